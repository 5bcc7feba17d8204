#include "agent/adapters/termination_signals.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace margo {
namespace {

sigset_t termination_set() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

TerminationSignals::TerminationSignals() {
  const sigset_t set = termination_set();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

TerminationSignals::~TerminationSignals() {
  if (watcher_.joinable()) {
    const std::uint64_t one = 1;
    (void)!write(wake_fd_, &one, sizeof(one));
    assert(watcher_.get_id() != std::this_thread::get_id() && "destroyed from its own callback");
    watcher_.join();
  }
  if (signal_fd_ >= 0) close(signal_fd_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

Status TerminationSignals::start(std::function<void(int signal)> on_signal) {
  if (watcher_.joinable())
    return permanent_error("signals.setup", "termination signal watcher already started");
  const sigset_t set = termination_set();
  signal_fd_ = signalfd(-1, &set, SFD_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
  if (signal_fd_ < 0 || wake_fd_ < 0)
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
    pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    signalfd_siginfo info{};
    if (read(signal_fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info)))
      on_signal(static_cast<int>(info.ssi_signo));
  }
}

}  // namespace margo
