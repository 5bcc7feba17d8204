#include "agent/adapters/spawn_process_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

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

// A file descriptor closed when it goes out of scope or on close().
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  ~OwnedFd() { close(); }
  OwnedFd(OwnedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  OwnedFd& operator=(OwnedFd&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;

  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct PipeEnds {
  OwnedFd read;
  OwnedFd write;
};

// Close-on-exec on both ends: the child gets its end through dup2, which clears the flag.
bool make_pipe(PipeEnds& ends) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  ends.read = OwnedFd(fds[0]);
  ends.write = OwnedFd(fds[1]);
  return true;
}

struct OutputStream {
  OwnedFd fd;
  std::string data;
  bool truncated = false;

  // Reads what is available; closes on end of file or error. Bytes past the limit are discarded so the
  // child never blocks on a full pipe.
  void drain(std::size_t limit) {
    char buffer[kReadChunk];
    for (;;) {
      const ssize_t count = ::read(fd.get(), buffer, sizeof buffer);
      if (count < 0 && errno == EINTR) continue;
      if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (count <= 0) {
        fd.close();
        return;
      }
      const std::size_t kept = std::min(static_cast<std::size_t>(count), limit - data.size());
      data.append(buffer, kept);
      truncated = truncated || kept < static_cast<std::size_t>(count);
    }
  }
};

// The parent's ends of the child's three standard streams.
struct ChildStreams {
  OwnedFd stdin_write;
  OwnedFd stdout_read;
  OwnedFd stderr_read;
};

// Runs one started child to completion: feeds stdin, collects both output streams and enforces the
// timeout.
class ChildSession {
 public:
  ChildSession(const ProcessSpec& spec, const std::atomic<bool>& terminate, pid_t pid, ChildStreams streams)
      : spec_(spec),
        terminate_(terminate),
        pid_(pid),
        exit_fd_(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0))),
        stdin_(std::move(streams.stdin_write)) {
    stdout_.fd = std::move(streams.stdout_read);
    stderr_.fd = std::move(streams.stderr_read);
    set_nonblocking(stdout_.fd.get());
    set_nonblocking(stderr_.fd.get());
    if (spec.stdin_data.empty()) {
      stdin_.close();
    } else {
      set_nonblocking(stdin_.get());
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
      if (wait_status_ && (!(stdout_.fd.open() || stderr_.fd.open()) || now >= *drain_until)) break;
      if (!wait_status_ && !kill_at && !timed_out && (now >= deadline || terminate_.load())) {
        ::kill(pid_, SIGTERM);
        timed_out = now >= deadline;
        kill_at = now + SpawnProcessRunner::kKillGrace;
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
    stdin_.close();
    stdout_.fd.close();
    stderr_.fd.close();

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
    if (stdin_.open()) watch(stdin_.get(), POLLOUT, Source::input);
    if (stdout_.fd.open()) watch(stdout_.fd.get(), POLLIN, Source::output);
    if (stderr_.fd.open()) watch(stderr_.fd.get(), POLLIN, Source::error);
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
          stdout_.drain(spec_.max_output_bytes);
          break;
        case Source::error:
          stderr_.drain(spec_.max_output_bytes);
          break;
      }
    }
  }

  void feed_stdin() {
    while (stdin_written_ < spec_.stdin_data.size()) {
      const ssize_t written = write_without_sigpipe(stdin_.get(), spec_.stdin_data.data() + stdin_written_,
                                                    spec_.stdin_data.size() - stdin_written_);
      if (written < 0 && errno == EINTR) continue;
      if (written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      if (written < 0) break;  // the child closed its stdin: the rest is not wanted
      stdin_written_ += static_cast<std::size_t>(written);
    }
    stdin_.close();
  }

  const ProcessSpec& spec_;
  const std::atomic<bool>& terminate_;
  const pid_t pid_;
  const int exit_fd_;  // pidfd: readable once the child has exited; -1 on kernels without pidfd
  OwnedFd stdin_;
  std::size_t stdin_written_ = 0;
  OutputStream stdout_;
  OutputStream stderr_;
  std::optional<int> wait_status_;
};

// posix_spawn rather than fork: glibc's child runs with every signal blocked and the agent's handlers
// reset to the default until exec, and posix_spawn returns only after exec. A SIGTERM sent the moment
// it returns therefore reaches the program, never a copy of the agent's own SIGTERM handler.
class SpawnAttributes {
 public:
  SpawnAttributes() {
    ::posix_spawnattr_init(&attributes_);
    ::posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnAttributes() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attributes_);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;

  // The child starts with no signal blocked and every signal at its default: signals the agent
  // ignores (SIGPIPE) or blocks in a worker thread are not inherited.
  int reset_signals() {
    sigset_t all;
    sigset_t none;
    // Not sigfillset: glibc leaves its two internal signals out of it, and posix_spawn would then hand
    // them to the program ignored.
    std::memset(&all, 0xff, sizeof all);
    sigemptyset(&none);
    if (int failed = ::posix_spawnattr_setsigdefault(&attributes_, &all)) return failed;
    if (int failed = ::posix_spawnattr_setsigmask(&attributes_, &none)) return failed;
    return ::posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  }
  int redirect(int fd, int target) { return ::posix_spawn_file_actions_adddup2(&actions_, fd, target); }
  // Descriptors the agent opened without close-on-exec (a library's socket) stay out of the child.
  int close_the_rest() { return ::posix_spawn_file_actions_addclosefrom_np(&actions_, STDERR_FILENO + 1); }
  int change_directory(const std::string& directory) {
    return ::posix_spawn_file_actions_addchdir_np(&actions_, directory.c_str());
  }

  const posix_spawnattr_t* attributes() const { return &attributes_; }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }

 private:
  posix_spawnattr_t attributes_;
  posix_spawn_file_actions_t actions_;
};

std::vector<char*> null_terminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

Result<ProcessResult> run_child(const ProcessSpec& spec, const std::atomic<bool>& terminate) {
  if (Status valid = validate(spec); !valid) return valid.error();
  Result<std::string> program = resolve_program(spec);
  if (!program) return program.error();
  auto cannot_start = [&spec](const std::string& why) {
    return retryable_error("process.start_failed", "cannot start '" + spec.argv.front() + "': " + why);
  };

  PipeEnds in;
  PipeEnds out;
  PipeEnds err;
  if (!make_pipe(in) || !make_pipe(out) || !make_pipe(err))
    return cannot_start(std::string("pipe: ") + std::strerror(errno));
  SpawnAttributes spawn;
  int failed = spawn.reset_signals();
  if (failed == 0) failed = spawn.redirect(in.read.get(), STDIN_FILENO);
  if (failed == 0) failed = spawn.redirect(out.write.get(), STDOUT_FILENO);
  if (failed == 0) failed = spawn.redirect(err.write.get(), STDERR_FILENO);
  if (failed == 0) failed = spawn.close_the_rest();
  if (failed == 0 && !spec.working_directory.empty()) failed = spawn.change_directory(spec.working_directory);
  if (failed != 0) return cannot_start(std::strerror(failed));

  std::vector<std::string> arguments = spec.argv;
  arguments.front() = *program;
  std::vector<std::string> environment;
  for (const auto& [name, value] : spec.environment) environment.push_back(name + "=" + value);
  std::vector<char*> argv = null_terminated(arguments);
  std::vector<char*> envp = null_terminated(environment);
  pid_t pid = -1;
  failed =
      ::posix_spawn(&pid, program->c_str(), spawn.actions(), spawn.attributes(), argv.data(), envp.data());
  if (failed == ENOENT || failed == EACCES || failed == ENOEXEC || failed == ENOTDIR)
    return permanent_error("process.start_failed",
                           "cannot start '" + spec.argv.front() + "': " + std::strerror(failed));
  if (failed != 0) return cannot_start(std::strerror(failed));

  in.read.close();
  out.write.close();
  err.write.close();
  return ChildSession(spec, terminate, pid, {std::move(in.write), std::move(out.read), std::move(err.read)})
      .run();
}

}  // namespace

struct SpawnProcessRunner::Delivery {
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

SpawnProcessRunner::SpawnProcessRunner(Executor& loop, WorkerPool& workers)
    : workers_(workers), delivery_(std::make_shared<Delivery>(loop)) {}

SpawnProcessRunner::~SpawnProcessRunner() {
  std::lock_guard lock(delivery_->mutex);
  delivery_->open = false;
}

void SpawnProcessRunner::run(ProcessSpec spec, Callback<ProcessResult> done) {
  workers_.submit([delivery = delivery_, spec = std::move(spec), done = std::move(done)]() mutable {
    delivery->complete(std::move(done), run_child(spec, delivery->terminate));
  });
}

void SpawnProcessRunner::terminate_all() {
  delivery_->terminate = true;
}

}  // namespace margo
