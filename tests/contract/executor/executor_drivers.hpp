#pragma once
// Drives an Executor until a task calls finish(), so the same contract cases run against virtual time
// and the real event loop. Work still queued at finish() is dropped, as EventLoop::stop() does.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "agent/adapters/event_loop.hpp"
#include "sim/adapters/virtual_executor.hpp"

namespace margo::contract {

class VirtualDriver {
 public:
  Executor& executor() { return executor_; }
  void finish() { finished_ = true; }
  // False when the queue ran dry before finish().
  bool run() {
    while (!finished_ && executor_.run_one()) {
    }
    return finished_;
  }

 private:
  VirtualExecutor executor_;
  bool finished_ = false;
};

class EventLoopDriver {
 public:
  Executor& executor() { return loop_; }
  EventLoop& loop() { return loop_; }
  void finish() {
    finished_ = true;
    loop_.stop();
  }
  // Runs the loop on the calling thread. False when finish() did not come within the watchdog's time.
  bool run() {
    std::mutex mutex;
    std::condition_variable returned_signal;
    bool returned = false;
    std::thread watchdog([&] {
      std::unique_lock lock(mutex);
      if (!returned_signal.wait_for(lock, kWatchdog, [&] { return returned; })) loop_.stop();
    });
    loop_.run();
    {
      std::lock_guard lock(mutex);
      returned = true;
    }
    returned_signal.notify_one();
    watchdog.join();
    return finished_;
  }

 private:
  static constexpr std::chrono::seconds kWatchdog{20};

  EventLoop loop_;
  bool finished_ = false;  // touched only by tasks on the loop thread and by run() after the loop ends
};

}  // namespace margo::contract
