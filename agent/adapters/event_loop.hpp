#pragma once
// The production executor: one thread runs every task and timer, so the core needs no locks.
// post/schedule_after/cancel/stop are safe from any thread (worker threads post completions here).

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "agent/ports/executor.hpp"

namespace margo {

class EventLoop final : public Executor {
 public:
  EventLoop();

  MonoTime now() const override;
  WallTime wall_now() const override;
  void post(Task task) override;
  TimerId schedule_after(Duration delay, Task task) override;
  bool cancel(TimerId id) override;

  // Runs tasks on the calling thread until stop(). Pending tasks and timers are dropped then.
  void run();
  void stop();

 private:
  using TimerKey = std::pair<MonoTime, TimerId>;

  const std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  // Posted tasks carry id 0; due timers keep their id (and their timer_due_ entry) until they run, so
  // a task that cancels a timer due at the same moment still stops it.
  std::deque<std::pair<TimerId, Task>> ready_;
  std::map<TimerKey, Task> timers_;
  std::unordered_map<TimerId, MonoTime> timer_due_;
  TimerId next_timer_id_ = 1;
  bool stopped_ = false;
};

}  // namespace margo
