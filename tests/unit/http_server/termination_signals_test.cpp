#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "agent/adapters/termination_signals.hpp"

using namespace std::chrono_literals;

namespace {

// Runs the scenario in a child process, so a signal that escapes the watcher kills only the child.
int in_child(int (*scenario)()) {
  const pid_t pid = fork();
  if (pid == 0) _exit(scenario());
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

// Exit code 0 when each signal sent to the process reached the callback, in order.
int signals_reach_the_callback() {
  margo::TerminationSignals signals;
  std::atomic<int> last{0};
  std::atomic<int> count{0};
  if (!signals.start([&](int signal) {
        last = signal;
        ++count;
      }))
    return 10;
  const auto wait_for = [&](int expected_count) {
    for (int i = 0; i < 1000 && count < expected_count; ++i) std::this_thread::sleep_for(5ms);
    return count == expected_count;
  };
  kill(getpid(), SIGTERM);
  if (!wait_for(1) || last != SIGTERM) return 11;
  kill(getpid(), SIGINT);
  if (!wait_for(2) || last != SIGINT) return 12;
  return 0;
}

// Exit code 0 when the destructor returns although no signal came.
int destructor_stops_the_watcher() {
  {
    margo::TerminationSignals signals;
    if (!signals.start([](int) {})) return 20;
  }
  // Ignored after destruction: this must not kill the process.
  kill(getpid(), SIGTERM);
  return 0;
}

// Exit code 0 when a child process started while the watcher runs can still be stopped with SIGTERM:
// it inherits neither a blocked mask nor the handler.
int children_can_be_terminated() {
  margo::TerminationSignals signals;
  if (!signals.start([](int) {})) return 30;
  const pid_t child = fork();
  if (child == 0) {
    execl("/bin/sh", "sh", "-c", "kill -TERM $$; sleep 5; exit 7", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? 0 : 31;
}

}  // namespace

TEST_CASE("termination signals: child processes keep a default SIGTERM") {
  const int status = in_child(children_can_be_terminated);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("termination signals: SIGTERM and SIGINT arrive at the callback instead of killing the process") {
  const int status = in_child(signals_reach_the_callback);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("termination signals: destruction stops the watcher and leaves the signals ignored") {
  const int status = in_child(destructor_stops_the_watcher);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
