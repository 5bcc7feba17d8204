#include "agent/adapters/termination_signals.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cassert>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace margo {
namespace {

// The write end of the pipe, for the handler (which can reach no object).
std::atomic<int> g_signal_pipe{-1};

void on_termination_signal(int signal_number) {
  const int saved_errno = errno;
  const auto byte = static_cast<unsigned char>(signal_number);
  const int fd = g_signal_pipe.load();
  if (fd >= 0) (void)!write(fd, &byte, 1);
  errno = saved_errno;
}

bool install(void (*handler)(int)) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  return sigaction(SIGTERM, &action, nullptr) == 0 && sigaction(SIGINT, &action, nullptr) == 0;
}

}  // namespace

TerminationSignals::TerminationSignals() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;
  pipe_read_ = fds[0];
  pipe_write_ = fds[1];
  g_signal_pipe.store(pipe_write_);
  handlers_installed_ = install(on_termination_signal);
}

TerminationSignals::~TerminationSignals() {
  if (handlers_installed_) install(SIG_IGN);
  g_signal_pipe.store(-1);
  if (watcher_.joinable()) {
    const std::uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
    assert(watcher_.get_id() != std::this_thread::get_id() && "destroyed from its own callback");
    watcher_.join();
  }
  for (const int fd : {pipe_read_, pipe_write_, wake_fd_})
    if (fd >= 0) close(fd);
}

Status TerminationSignals::start(std::function<void(int signal)> on_signal) {
  if (watcher_.joinable())
    return permanent_error("signals.setup", "termination signal watcher already started");
  if (!handlers_installed_)
    return permanent_error("signals.setup",
                           std::string("cannot handle SIGTERM/SIGINT: ") + std::strerror(errno));
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0)
    return permanent_error("signals.setup",
                           std::string("cannot watch SIGTERM/SIGINT: ") + std::strerror(errno));
  try {
    watcher_ = std::thread([this, callback = std::move(on_signal)] { watch(callback); });
  } catch (const std::system_error& error) {
    return permanent_error("signals.setup", std::string("cannot start the signal thread: ") + error.what());
  }
  return {};
}

void TerminationSignals::watch(const std::function<void(int)>& on_signal) const {
  while (true) {
    pollfd fds[2] = {{pipe_read_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    unsigned char signal_number = 0;
    while (read(pipe_read_, &signal_number, 1) == 1) on_signal(signal_number);
  }
}

}  // namespace margo
