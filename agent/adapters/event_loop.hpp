#pragma once
// The production executor: one thread runs every task and timer, so the core needs no locks.
// post/schedule_after/cancel/stop and the descriptor watches are safe from any thread (worker threads
// post completions here). The loop sleeps in ppoll(2), so adapters can drive non-blocking sockets on
// it without a thread of their own.

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "agent/ports/executor.hpp"

namespace margo {

class EventLoop final : public Executor {
 public:
  enum class Readiness { readable, writable };
  using WatchId = std::uint64_t;

  EventLoop();
  ~EventLoop() override;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  MonoTime now() const override;
  WallTime wall_now() const override;
  void post(Task task) override;
  TimerId schedule_after(Duration delay, Task task) override;
  bool cancel(TimerId id) override;

  // Runs the task once, on the loop, when `fd` becomes ready for `readiness` or reports an error or a
  // hang-up; the watch then ends. The descriptor must stay open until the task ran or the watch was
  // cancelled.
  WatchId when_ready(int fd, Readiness readiness, Task task);
  // Ends a watch whose task has not run yet. Returns false when it already ran or was cancelled.
  bool cancel_watch(WatchId id);

  // Runs tasks on the calling thread until stop(). Pending tasks, timers and watches are dropped then.
  void run();
  void stop();

 private:
  using TimerKey = std::pair<MonoTime, TimerId>;
  struct Watch {
    int fd;
    Readiness readiness;
    Task task;
  };

  // Wakes a loop that sleeps in ppoll; called with mutex_ held.
  void wake_locked();
  // Sleeps until a watched descriptor is ready, the next timer is due or wake_locked(); moves the tasks
  // of ready watches to ready_. Called with the lock held; releases it while sleeping.
  void wait_for_io(std::unique_lock<std::mutex>& lock, bool block);

  const std::chrono::steady_clock::time_point start_;
  const int wake_fd_;  // an eventfd
  mutable std::mutex mutex_;
  // Posted tasks carry id 0; due timers keep their id (and their timer_due_ entry) until they run, so
  // a task that cancels a timer due at the same moment still stops it.
  std::deque<std::pair<TimerId, Task>> ready_;
  std::map<TimerKey, Task> timers_;
  std::unordered_map<TimerId, MonoTime> timer_due_;
  TimerId next_timer_id_ = 1;
  std::map<WatchId, Watch> watches_;
  WatchId next_watch_id_ = 1;
  bool sleeping_ = false;      // in ppoll: a change from another thread must wake it
  bool wake_pending_ = false;  // the eventfd was written since the loop last drained it
  bool stopped_ = false;
};

}  // namespace margo
