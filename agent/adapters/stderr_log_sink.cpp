#include "agent/adapters/stderr_log_sink.hpp"

#include <unistd.h>

#include <cerrno>
#include <string_view>

namespace margo {

StderrLogSink::StderrLogSink(LogFormat format, int fd) : format_(format), fd_(fd) {}

void StderrLogSink::write(const LogRecord& record) {
  std::string line = format_log_line(format_, record);
  line += '\n';
  std::lock_guard lock(mutex_);
  std::string_view rest = line;
  // A pipe or terminal may take less than asked; the rest follows before any other line.
  while (!rest.empty()) {
    const ssize_t written = ::write(fd_, rest.data(), rest.size());
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return;
    rest.remove_prefix(static_cast<std::size_t>(written));
  }
}

}  // namespace margo
