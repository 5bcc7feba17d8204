#include "sim/adapters/virtual_executor.hpp"

#include <algorithm>

namespace margo {

WallTime VirtualExecutor::default_wall_start() {
  using namespace std::chrono;
  return time_point_cast<milliseconds>(sys_days{year{2026} / January / 1});
}

VirtualExecutor::VirtualExecutor(WallTime wall_start) : wall_start_(wall_start) {}

std::uint64_t VirtualExecutor::enqueue(MonoTime due, Task task) {
  const std::uint64_t sequence = next_sequence_++;
  queue_.emplace(Key{due, sequence}, std::move(task));
  return sequence;
}

void VirtualExecutor::post(Task task) {
  enqueue(now_, std::move(task));
}

Executor::TimerId VirtualExecutor::schedule_after(Duration delay, Task task) {
  const MonoTime due = now_ + std::max(delay, Duration(0));
  const TimerId id = enqueue(due, std::move(task));
  timer_due_.emplace(id, due);
  return id;
}

bool VirtualExecutor::cancel(TimerId id) {
  const auto found = timer_due_.find(id);
  if (found == timer_due_.end()) return false;
  queue_.erase(Key{found->second, id});
  timer_due_.erase(found);
  return true;
}

bool VirtualExecutor::run_one() {
  if (queue_.empty()) return false;
  // Taken out of the queue before it runs: the task may post, schedule or cancel freely.
  auto node = queue_.extract(queue_.begin());
  timer_due_.erase(node.key().second);
  now_ = std::max(now_, node.key().first);
  node.mapped()();
  return true;
}

std::size_t VirtualExecutor::run_until_idle(std::size_t max_tasks) {
  std::size_t ran = 0;
  while (ran < max_tasks && run_one()) ++ran;
  return ran;
}

std::size_t VirtualExecutor::run_until(MonoTime deadline, std::size_t max_tasks) {
  std::size_t ran = 0;
  while (ran < max_tasks && !queue_.empty() && queue_.begin()->first.first <= deadline) {
    run_one();
    ++ran;
  }
  const bool stopped_early = !queue_.empty() && queue_.begin()->first.first <= deadline;
  if (!stopped_early) now_ = std::max(now_, deadline);
  return ran;
}

std::size_t VirtualExecutor::run_for(Duration duration, std::size_t max_tasks) {
  return run_until(now_ + std::max(duration, Duration(0)), max_tasks);
}

std::optional<MonoTime> VirtualExecutor::next_due() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first.first;
}

}  // namespace margo
