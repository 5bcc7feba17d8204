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
  // Still blocked after destruction: this must not kill the process.
  kill(getpid(), SIGTERM);
  return 0;
}

}  // namespace

TEST_CASE("termination signals: SIGTERM and SIGINT arrive at the callback instead of killing the process") {
  const int status = in_child(signals_reach_the_callback);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("termination signals: destruction stops the watcher and keeps the signals blocked") {
  const int status = in_child(destructor_stops_the_watcher);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}
