#include "agent/adapters/event_loop.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <system_error>
#include <vector>

namespace margo {
namespace {

// Ready tasks run in batches of at most this many between looks at the descriptors, so a stream of
// posted tasks cannot starve I/O.
constexpr int kTasksBetweenIoChecks = 64;

int make_wake_fd() {
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "eventfd for the event loop");
  return fd;
}

}  // namespace

EventLoop::EventLoop() : start_(std::chrono::steady_clock::now()), wake_fd_(make_wake_fd()) {}

EventLoop::~EventLoop() {
  ::close(wake_fd_);
}

MonoTime EventLoop::now() const {
  return std::chrono::duration_cast<MonoTime>(std::chrono::steady_clock::now() - start_);
}

WallTime EventLoop::wall_now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

void EventLoop::wake_locked() {
  if (!sleeping_ || wake_pending_) return;
  const std::uint64_t one = 1;
  if (::write(wake_fd_, &one, sizeof one) == sizeof one) wake_pending_ = true;
}

void EventLoop::post(Task task) {
  std::lock_guard lock(mutex_);
  ready_.emplace_back(0, std::move(task));
  wake_locked();
}

Executor::TimerId EventLoop::schedule_after(Duration delay, Task task) {
  std::lock_guard lock(mutex_);
  const TimerId id = next_timer_id_++;
  const MonoTime due = now() + std::max(delay, Duration(0));
  timers_.emplace(TimerKey{due, id}, std::move(task));
  timer_due_.emplace(id, due);
  wake_locked();
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

EventLoop::WatchId EventLoop::when_ready(int fd, Readiness readiness, Task task) {
  std::lock_guard lock(mutex_);
  const WatchId id = next_watch_id_++;
  watches_.emplace(id, Watch{fd, readiness, std::move(task)});
  wake_locked();
  return id;
}

bool EventLoop::cancel_watch(WatchId id) {
  std::lock_guard lock(mutex_);
  return watches_.erase(id) > 0;
}

void EventLoop::wait_for_io(std::unique_lock<std::mutex>& lock, bool block) {
  std::vector<pollfd> descriptors{{wake_fd_, POLLIN, 0}};
  std::vector<WatchId> watch_ids;
  for (const auto& [id, watch] : watches_) {
    const short events = watch.readiness == Readiness::readable ? POLLIN : POLLOUT;
    descriptors.push_back({watch.fd, events, 0});
    watch_ids.push_back(id);
  }
  timespec timeout{0, 0};
  timespec* wait_limit = &timeout;
  if (block && timers_.empty()) {
    wait_limit = nullptr;
  } else if (block) {
    const auto due = start_ + timers_.begin()->first.first;
    const auto remaining =
        std::max(due - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration(0));
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(remaining);
    timeout.tv_sec = static_cast<time_t>(seconds.count());
    timeout.tv_nsec = static_cast<long>(std::chrono::nanoseconds(remaining - seconds).count());
  }
  sleeping_ = block;
  lock.unlock();
  const int ready_count = ::ppoll(descriptors.data(), descriptors.size(), wait_limit, nullptr);
  lock.lock();
  sleeping_ = false;
  if (ready_count <= 0) return;  // timed out, or interrupted by a signal
  if (descriptors[0].revents != 0) {
    std::uint64_t count;
    while (::read(wake_fd_, &count, sizeof count) > 0) {
    }
    wake_pending_ = false;
  }
  for (std::size_t index = 1; index < descriptors.size(); ++index) {
    if (descriptors[index].revents == 0) continue;
    const auto found = watches_.find(watch_ids[index - 1]);
    if (found == watches_.end()) continue;  // cancelled while the loop slept
    ready_.emplace_back(0, std::move(found->second.task));
    watches_.erase(found);
  }
}

void EventLoop::run() {
  std::unique_lock lock(mutex_);
  int tasks_since_io_check = 0;
  while (!stopped_) {
    const MonoTime current = now();
    // Timers that are due become ready, in (due time, scheduling order).
    while (!timers_.empty() && timers_.begin()->first.first <= current) {
      auto node = timers_.extract(timers_.begin());
      ready_.emplace_back(node.key().second, std::move(node.mapped()));
    }
    if (!ready_.empty() && (watches_.empty() || tasks_since_io_check < kTasksBetweenIoChecks)) {
      auto [id, task] = std::move(ready_.front());
      ready_.pop_front();
      if (id != 0 && timer_due_.erase(id) == 0) continue;  // cancelled after it fell due
      ++tasks_since_io_check;
      lock.unlock();
      task();
      lock.lock();
      continue;
    }
    wait_for_io(lock, ready_.empty());
    tasks_since_io_check = 0;
  }
  // Dropped tasks are destroyed after the lock is released: their destructors may take other locks.
  auto dropped_ready = std::move(ready_);
  auto dropped_timers = std::move(timers_);
  auto dropped_watches = std::move(watches_);
  ready_.clear();
  timers_.clear();
  timer_due_.clear();
  watches_.clear();
  lock.unlock();
}

void EventLoop::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  wake_locked();
}

}  // namespace margo
