#pragma once
// SIGTERM and SIGINT delivered as a callback on a dedicated thread, instead of interrupting whatever
// thread the kernel picks. The handlers only write the signal number into a pipe (async-signal-safe);
// the watcher thread reads it. Nothing is blocked, so child processes (docker compose, helm) start with
// a normal signal mask and default dispositions and can be stopped with SIGTERM on a timeout.
// One instance at a time.

#include <functional>
#include <thread>

#include "agent/ports/result.hpp"

namespace margo {

class TerminationSignals {
 public:
  // Installs the handlers; a signal arriving before start() is delivered once start() runs.
  TerminationSignals();
  // Stops the watcher thread; must not run inside the callback. From then on both signals are ignored,
  // so a late one cannot kill a process that is already shutting down.
  ~TerminationSignals();
  TerminationSignals(const TerminationSignals&) = delete;
  TerminationSignals& operator=(const TerminationSignals&) = delete;

  // Calls on_signal(signal number) on the watcher thread for every SIGTERM or SIGINT that arrives.
  // Errors: signals.setup (the pipe, the handlers or the thread could not be set up).
  Status start(std::function<void(int signal)> on_signal);

 private:
  void watch(const std::function<void(int)>& on_signal) const;

  int pipe_read_ = -1;
  int pipe_write_ = -1;
  int wake_fd_ = -1;
  bool handlers_installed_ = false;
  std::thread watcher_;
};

}  // namespace margo
