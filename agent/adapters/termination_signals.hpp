#pragma once
// SIGTERM and SIGINT delivered as a callback on a dedicated thread, instead of interrupting whatever
// thread the kernel picks. Create it in main before any other thread starts: the constructor blocks
// both signals in the calling thread, and threads started later inherit that mask.

#include <functional>
#include <thread>

#include "agent/ports/result.hpp"

namespace margo {

class TerminationSignals {
 public:
  TerminationSignals();
  // Stops the watcher thread; must not run inside the callback. The signals stay blocked, so a late one
  // cannot kill a process that is already shutting down.
  ~TerminationSignals();
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;

  // Calls on_signal(signal number) on the watcher thread for every SIGTERM or SIGINT that arrives.
  // Errors: signals.setup (signalfd, eventfd or the thread could not be created).
  Status start(std::function<void(int signal)> on_signal);

 private:
  void watch(const std::function<void(int)>& on_signal) const;

  int signal_fd_ = -1;
  int wake_fd_ = -1;
  std::thread watcher_;
};

}  // namespace margo
