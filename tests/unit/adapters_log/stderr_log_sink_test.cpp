// StderrLogSink writes whole lines to its descriptor, and lines from several threads never mix.

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "agent/adapters/stderr_log_sink.hpp"

namespace margo {
namespace {

LogRecord sample_record(std::string message, std::vector<LogField> fields = {}) {
  LogRecord record;
  record.level = LogLevel::warn;
  record.wall_time = WallTime{} + std::chrono::milliseconds(1'767'225'600'000);
  record.component = "sink-test";
  record.message = std::move(message);
  record.fields = std::move(fields);
  return record;
}

// A file in a fresh temporary directory, removed afterwards.
class TemporaryFile {
 public:
  TemporaryFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "margo-log-sink-XXXXXX").string();
    const char* directory = ::mkdtemp(pattern.data());
    REQUIRE(directory != nullptr);
    directory_ = directory;
    fd_ = ::open((directory_ + "/log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    REQUIRE(fd_ >= 0);
  }
  ~TemporaryFile() {
    ::close(fd_);
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  int fd() const { return fd_; }
  std::vector<std::string> lines() const {
    std::ifstream in(directory_ + "/log", std::ios::binary);
    std::vector<std::string> result;
    for (std::string line; std::getline(in, line);) result.push_back(line);
    return result;
  }

 private:
  std::string directory_;
  int fd_ = -1;
};

TEST_CASE("StderrLogSink writes one formatted line per record", "[stderr_log_sink]") {
  int pipe_fds[2];
  REQUIRE(::pipe(pipe_fds) == 0);
  const LogRecord record = sample_record("state saved", {{"path", "/var/lib/margo/state.json"}});
  {
    StderrLogSink sink(LogFormat::logfmt, pipe_fds[1]);
    sink.write(record);
  }
  ::close(pipe_fds[1]);
  std::string written;
  char buffer[4096];
  for (ssize_t got; (got = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0;) written.append(buffer, got);
  ::close(pipe_fds[0]);

  CHECK(written == format_logfmt(record) + "\n");
}

TEST_CASE("StderrLogSink lines from several threads never interleave", "[stderr_log_sink]") {
  TemporaryFile file;
  StderrLogSink sink(LogFormat::json, file.fd());
  constexpr int kThreads = 4;
  constexpr int kRecordsEach = 300;
  const std::string padding(300, 'p');  // long lines make a torn write likelier to show

  std::vector<std::thread> writers;
  for (int thread = 0; thread < kThreads; ++thread) {
    writers.emplace_back([&, thread] {
      for (int index = 0; index < kRecordsEach; ++index) {
        sink.write(sample_record(
            "tick",
            {{"thread", std::to_string(thread)}, {"index", std::to_string(index)}, {"padding", padding}}));
      }
    });
  }
  for (auto& writer : writers) writer.join();

  const auto lines = file.lines();
  REQUIRE(lines.size() == kThreads * kRecordsEach);
  std::map<std::string, int> next_index;
  for (const auto& line : lines) {
    const auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    REQUIRE_FALSE(parsed.is_discarded());
    const std::string thread = parsed["thread"];
    REQUIRE(parsed["index"] == std::to_string(next_index[thread]++));  // each thread's records in order
    REQUIRE(parsed["padding"] == padding);
  }
  CHECK(next_index.size() == kThreads);
}

}  // namespace
}  // namespace margo
