#include "agent/adapters/poco_process_runner.hpp"

#include <Poco/Exception.h>
#include <Poco/Pipe.h>
#include <Poco/Process.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <mutex>
#include <optional>

namespace margo {
namespace {

using SteadyClock = std::chrono::steady_clock;

// Used for the PATH lookup when the spec's environment has no PATH (the child still gets none).
constexpr const char* kDefaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// After the child exits, output is read until the pipes close, but no longer than this: a background
// descendant may hold them open indefinitely.
constexpr Duration kDrainAfterExit{500};
// Longest single wait in poll(2): bounds how late the child's exit is noticed on kernels without pidfd.
constexpr Duration kPollSlice{50};
constexpr std::size_t kReadChunk = 64 * 1024;

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// The child starts in the working directory, so a relative program path must not depend on it twice.
std::string absolute(const std::string& path) {
  if (!path.empty() && path.front() == '/') return path;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

Result<std::string> resolve_program(const ProcessSpec& spec) {
  const std::string& program = spec.argv.front();
  const std::string base = spec.working_directory.empty() ? "" : spec.working_directory + "/";
  if (program.find('/') != std::string::npos) {
    const std::string path = program.front() == '/' ? program : absolute(base + program);
    if (is_executable_file(path)) return path;
    return permanent_error("process.not_found",
                           "program '" + program + "' does not exist or is not executable");
  }
  const auto path_variable = spec.environment.find("PATH");
  const std::string search =
      path_variable != spec.environment.end() ? path_variable->second : kDefaultSearchPath;
  std::size_t start = 0;
  while (start <= search.size()) {
    const std::size_t end = std::min(search.find(':', start), search.size());
    const std::string directory = search.substr(start, end - start);
    start = end + 1;
    if (directory.empty()) continue;  // "current directory" entries are not searched
    const std::string candidate =
        absolute((directory.front() == '/' ? directory : base + directory) + "/" + program);
    if (is_executable_file(candidate)) return candidate;
  }
  return permanent_error("process.not_found", "program '" + program + "' not found in PATH=" + search);
}

Status validate(const ProcessSpec& spec) {
  auto invalid = [](const std::string& why) { return permanent_error("process.start_failed", why); };
  if (spec.argv.empty() || spec.argv.front().empty()) return invalid("empty argv: no program to run");
  for (const std::string& argument : spec.argv)
    if (argument.find('\0') != std::string::npos)
      return invalid("argument of '" + spec.argv.front() + "' has a NUL");
  for (const auto& [name, value] : spec.environment) {
    if (name.empty() || name.find_first_of("=\0", 0, 2) != std::string::npos)
      return invalid("invalid environment variable name '" + name + "'");
    if (value.find('\0') != std::string::npos) return invalid("environment variable " + name + " has a NUL");
  }
  if (!spec.working_directory.empty() && !is_directory(spec.working_directory))
    return invalid("working directory '" + spec.working_directory + "' does not exist");
  return {};
}

// Poco's launch adds the given variables to the agent's own environment. The child therefore goes
// through env(1): -i empties the environment, --default-signal undoes signals the agent ignores
// (an ignored SIGPIPE would otherwise be inherited), and the variables follow as NAME=VALUE.
Result<std::string> find_env_program() {
  for (const char* candidate : {"/usr/bin/env", "/bin/env"})
    if (is_executable_file(candidate)) return std::string(candidate);
  return permanent_error("process.start_failed", "env(1) not found in /usr/bin or /bin");
}

// Writes to the child's stdin without letting SIGPIPE (the child closed it) end the agent.
ssize_t write_without_sigpipe(int fd, const char* data, std::size_t size) {
  sigset_t pipe_signal;
  sigset_t previous;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
  const ssize_t written = ::write(fd, data, size);
  const int saved_errno = errno;
  if (written < 0 && saved_errno == EPIPE) {
    const timespec no_wait{};
    sigtimedwait(&pipe_signal, nullptr, &no_wait);
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = saved_errno;
  return written;
}

void set_nonblocking(int fd) {
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

struct OutputStream {
  int fd = -1;
  std::string data;
  bool truncated = false;

  bool open() const { return fd >= 0; }

  // Reads what is available; closes on end of file or error. Bytes past the limit are discarded so the
  // child never blocks on a full pipe.
  void drain(Poco::Pipe& pipe, std::size_t limit) {
    char buffer[kReadChunk];
    for (;;) {
      const ssize_t count = ::read(fd, buffer, sizeof buffer);
      if (count < 0 && errno == EINTR) continue;
      if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (count <= 0) {
        pipe.close(Poco::Pipe::CLOSE_READ);
        fd = -1;
        return;
      }
      const std::size_t kept = std::min(static_cast<std::size_t>(count), limit - data.size());
      data.append(buffer, kept);
      truncated = truncated || kept < static_cast<std::size_t>(count);
    }
  }
};

// Runs one launched child to completion: feeds stdin, collects both output streams and enforces the
// timeout.
class ChildSession {
 public:
  ChildSession(const ProcessSpec& spec, const std::atomic<bool>& terminate, Poco::ProcessHandle& handle,
               Poco::Pipe& in, Poco::Pipe& out, Poco::Pipe& err)
      : spec_(spec),
        terminate_(terminate),
        pid_(handle.id()),
        exit_fd_(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0))),
        in_pipe_(in),
        out_pipe_(out),
        err_pipe_(err) {
    stdout_.fd = out.readHandle();
    stderr_.fd = err.readHandle();
    set_nonblocking(stdout_.fd);
    set_nonblocking(stderr_.fd);
    if (spec.stdin_data.empty()) {
      in.close(Poco::Pipe::CLOSE_WRITE);
    } else {
      stdin_fd_ = in.writeHandle();
      set_nonblocking(stdin_fd_);
    }
  }

  ~ChildSession() {
    if (exit_fd_ >= 0) ::close(exit_fd_);
  }
  ChildSession(const ChildSession&) = delete;
  ChildSession& operator=(const ChildSession&) = delete;

  ProcessResult run() {
    const auto start = SteadyClock::now();
    const auto deadline = start + spec_.timeout;
    std::optional<SteadyClock::time_point> kill_at;
    std::optional<SteadyClock::time_point> drain_until;
    bool timed_out = false;
    for (;;) {
      const auto now = SteadyClock::now();
      if (!wait_status_ && reap()) drain_until = now + kDrainAfterExit;
      if (wait_status_ && (!(stdout_.open() || stderr_.open()) || now >= *drain_until)) break;
      if (!wait_status_ && !kill_at && !timed_out && (now >= deadline || terminate_.load())) {
        ::kill(pid_, SIGTERM);
        timed_out = now >= deadline;
        kill_at = now + PocoProcessRunner::kKillGrace;
      }
      if (!wait_status_ && kill_at && now >= *kill_at) {
        ::kill(pid_, SIGKILL);
        kill_at.reset();
      }
      auto wake = now + kPollSlice;
      for (const auto& moment : {std::optional(deadline), kill_at, drain_until})
        if (moment && *moment > now) wake = std::min(wake, *moment);
      poll_once(std::chrono::duration_cast<std::chrono::milliseconds>(wake - now));
    }
    close_stdin();
    if (stdout_.open()) out_pipe_.close(Poco::Pipe::CLOSE_READ);
    if (stderr_.open()) err_pipe_.close(Poco::Pipe::CLOSE_READ);

    ProcessResult result;
    result.timed_out = timed_out;
    result.output_truncated = stdout_.truncated || stderr_.truncated;
    if (WIFSIGNALED(*wait_status_)) {
      result.exit_code = -1;
      result.signal = WTERMSIG(*wait_status_);
    } else {
      result.exit_code = WEXITSTATUS(*wait_status_);
    }
    result.stdout_data = std::move(stdout_.data);
    result.stderr_data = std::move(stderr_.data);
    return result;
  }

 private:
  bool reap() {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    wait_status_ = status;
    return true;
  }

  // Waits for the child's pipes, or its exit, or the timeout, and serves whatever is ready.
  void poll_once(std::chrono::milliseconds timeout) {
    enum class Source { exit, input, output, error };
    pollfd fds[4];
    Source sources[4];
    nfds_t count = 0;
    auto watch = [&](int fd, short events, Source source) {
      fds[count] = {fd, events, 0};
      sources[count++] = source;
    };
    if (exit_fd_ >= 0 && !wait_status_) watch(exit_fd_, POLLIN, Source::exit);
    if (stdin_fd_ >= 0) watch(stdin_fd_, POLLOUT, Source::input);
    if (stdout_.open()) watch(stdout_.fd, POLLIN, Source::output);
    if (stderr_.open()) watch(stderr_.fd, POLLIN, Source::error);
    if (::poll(fds, count, static_cast<int>(std::max<std::int64_t>(timeout.count(), 0))) <= 0) return;
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) continue;
      switch (sources[i]) {
        case Source::exit:
          break;  // reaped at the top of the next round
        case Source::input:
          feed_stdin();
          break;
        case Source::output:
          stdout_.drain(out_pipe_, spec_.max_output_bytes);
          break;
        case Source::error:
          stderr_.drain(err_pipe_, spec_.max_output_bytes);
          break;
      }
    }
  }

  void feed_stdin() {
    while (stdin_written_ < spec_.stdin_data.size()) {
      const ssize_t written = write_without_sigpipe(stdin_fd_, spec_.stdin_data.data() + stdin_written_,
                                                    spec_.stdin_data.size() - stdin_written_);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (written < 0) break;  // the child closed its stdin: the rest is not wanted
      stdin_written_ += static_cast<std::size_t>(written);
    }
    close_stdin();
  }

  void close_stdin() {
    if (stdin_fd_ < 0) return;
    in_pipe_.close(Poco::Pipe::CLOSE_WRITE);
    stdin_fd_ = -1;
  }

  const ProcessSpec& spec_;
  const std::atomic<bool>& terminate_;
  const pid_t pid_;
  const int exit_fd_;  // pidfd: readable once the child has exited; -1 on kernels without pidfd
  Poco::Pipe& in_pipe_;
  Poco::Pipe& out_pipe_;
  Poco::Pipe& err_pipe_;
  int stdin_fd_ = -1;
  std::size_t stdin_written_ = 0;
  OutputStream stdout_;
  OutputStream stderr_;
  std::optional<int> wait_status_;
};

Result<ProcessResult> run_child(const ProcessSpec& spec, const std::atomic<bool>& terminate) {
  if (Status valid = validate(spec); !valid) return valid.error();
  Result<std::string> program = resolve_program(spec);
  if (!program) return program.error();
  if (program->find('=') != std::string::npos)
    return permanent_error("process.start_failed", "program path '" + *program + "' contains '='");
  Result<std::string> env_program = find_env_program();
  if (!env_program) return env_program.error();

  Poco::Process::Args args{"-i", "--default-signal", "--"};
  for (const auto& [name, value] : spec.environment) args.push_back(name + "=" + value);
  args.push_back(*program);
  args.insert(args.end(), spec.argv.begin() + 1, spec.argv.end());
  try {
    Poco::Pipe in;
    Poco::Pipe out;
    Poco::Pipe err;
    Poco::ProcessHandle handle =
        Poco::Process::launch(*env_program, args, spec.working_directory, &in, &out, &err);
    return ChildSession(spec, terminate, handle, in, out, err).run();
  } catch (const Poco::Exception& error) {
    return retryable_error("process.start_failed",
                           "cannot start '" + spec.argv.front() + "': " + error.displayText());
  }
}

}  // namespace

struct PocoProcessRunner::Delivery {
  explicit Delivery(Executor& loop_in) : loop(loop_in) {}

  Executor& loop;
  std::mutex mutex;
  bool open = true;
  std::atomic<bool> terminate{false};

  void complete(Callback<ProcessResult> done, Result<ProcessResult> result) {
    std::lock_guard lock(mutex);
    if (!open) return;
    loop.post([done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  }
};

PocoProcessRunner::PocoProcessRunner(Executor& loop, WorkerPool& workers)
    : workers_(workers), delivery_(std::make_shared<Delivery>(loop)) {}

PocoProcessRunner::~PocoProcessRunner() {
  std::lock_guard lock(delivery_->mutex);
  delivery_->open = false;
}

void PocoProcessRunner::run(ProcessSpec spec, Callback<ProcessResult> done) {
  workers_.submit([delivery = delivery_, spec = std::move(spec), done = std::move(done)]() mutable {
    delivery->complete(std::move(done), run_child(spec, delivery->terminate));
  });
}

void PocoProcessRunner::terminate_all() {
  delivery_->terminate = true;
}

}  // namespace margo
