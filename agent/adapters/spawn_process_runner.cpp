#include "agent/adapters/spawn_process_runner.hpp"

#include "agent/adapters/child_spawn.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <optional>
#include <utility>

namespace margo {
namespace {

using SteadyClock = std::chrono::steady_clock;

// After the child exits, output is read until the pipes close, but no longer than this: a background
// descendant may hold them open indefinitely.
constexpr Duration kDrainAfterExit{500};
// Longest single wait in poll(2): bounds how late the child's exit is noticed on kernels without pidfd.
constexpr Duration kPollSlice{50};
constexpr std::size_t kPipeReadChunk = 64 * 1024;

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
  OwnedFd fd;
  std::string data;
  bool truncated = false;

  // Reads what is available; closes on end of file or error. Bytes past the limit are discarded so the
  // child never blocks on a full pipe.
  void drain(std::size_t limit) {
    char buffer[kPipeReadChunk];
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

// Runs one started child to completion: feeds stdin, collects both output streams and enforces the
// timeout.
class ChildSession {
 public:
  ChildSession(const ProcessSpec& spec, const std::atomic<bool>& terminate, SpawnedChild child)
      : spec_(spec),
        terminate_(terminate),
        pid_(child.pid),
        exit_fd_(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0))),
        stdin_(std::move(child.stdin_write)) {
    stdout_.fd = std::move(child.stdout_read);
    stderr_.fd = std::move(child.stderr_read);
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

Result<ProcessResult> run_child(const ProcessSpec& spec, const std::atomic<bool>& terminate) {
  Result<SpawnedChild> child = spawn_child(spec);
  if (!child) return child.error();
  return ChildSession(spec, terminate, std::move(*child)).run();
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
