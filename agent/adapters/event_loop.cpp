#include "agent/adapters/event_loop.hpp"

namespace margo {

EventLoop::EventLoop() : start_(std::chrono::steady_clock::now()) {}

MonoTime EventLoop::now() const {
  return std::chrono::duration_cast<MonoTime>(std::chrono::steady_clock::now() - start_);
}

WallTime EventLoop::wall_now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

void EventLoop::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    ready_.emplace_back(0, std::move(task));
  }
  wake_.notify_one();
}

Executor::TimerId EventLoop::schedule_after(Duration delay, Task task) {
  TimerId id;
  {
    std::lock_guard lock(mutex_);
    id = next_timer_id_++;
    const MonoTime due = now() + std::max(delay, Duration(0));
    timers_.emplace(TimerKey{due, id}, std::move(task));
    timer_due_.emplace(id, due);
  }
  wake_.notify_one();
  return id;
}

bool EventLoop::cancel(TimerId id) {
  std::lock_guard lock(mutex_);
  const auto found = timer_due_.find(id);
  if (found == timer_due_.end()) return false;
  timers_.erase(TimerKey{found->second, id});
  timer_due_.erase(found);
  return true;
}

void EventLoop::run() {
  std::unique_lock lock(mutex_);
  while (!stopped_) {
    const MonoTime current = now();
    // Timers that are due become ready, in (due time, scheduling order).
    while (!timers_.empty() && timers_.begin()->first.first <= current) {
      auto node = timers_.extract(timers_.begin());
      ready_.emplace_back(node.key().second, std::move(node.mapped()));
    }
    if (!ready_.empty()) {
      auto [id, task] = std::move(ready_.front());
      ready_.pop_front();
      if (id != 0 && timer_due_.erase(id) == 0) continue;  // cancelled after it fell due
      lock.unlock();
      task();
      lock.lock();
      continue;
    }
    if (timers_.empty()) {
      wake_.wait(lock);
    } else {
      wake_.wait_for(lock, timers_.begin()->first.first - current);
    }
  }
  // Dropped tasks are destroyed after the lock is released: their destructors may take other locks.
  auto dropped_ready = std::move(ready_);
  auto dropped_timers = std::move(timers_);
  ready_.clear();
  timers_.clear();
  timer_due_.clear();
  lock.unlock();
}

void EventLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  wake_.notify_all();
}

}  // namespace margo
