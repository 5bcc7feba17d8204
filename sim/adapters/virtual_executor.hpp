#pragma once
// The simulator's executor: virtual time on one thread. Nothing runs until the driver (a test or the
// simulator) asks, and time advances only to the due time of the next task, so a simulated day takes
// as long as the work done in it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "agent/ports/executor.hpp"

namespace margo {

class VirtualExecutor final : public Executor {
 public:
  // Enough for any honest simulation step; a timer that keeps rescheduling itself with no delay stops
  // here instead of hanging the run.
  static constexpr std::size_t kDefaultTaskLimit = 10'000'000;

  // 2026-01-01T00:00:00Z.
  static WallTime default_wall_start();

  explicit VirtualExecutor(WallTime wall_start = default_wall_start());

  MonoTime now() const override { return now_; }
  // wall start + monotonic time + offset.
  WallTime wall_now() const override { return wall_start_ + now_ + wall_offset_; }
  void post(Task task) override;
  // A negative delay counts as zero: virtual time never goes back.
  TimerId schedule_after(Duration delay, Task task) override;
  bool cancel(TimerId id) override;

  // Runs the next task, first advancing time to its due time. False when nothing is pending.
  bool run_one();
  // Runs tasks until none is pending or max_tasks have run. Returns how many ran.
  std::size_t run_until_idle(std::size_t max_tasks = kDefaultTaskLimit);
  // Runs every task due up to the deadline (including those they schedule within it), then sets the
  // time to the deadline. A deadline in the past runs what is due now and leaves the time alone. When
  // max_tasks stops the run early, the time stays at the last task run. Returns how many ran.
  std::size_t run_until(MonoTime deadline, std::size_t max_tasks = kDefaultTaskLimit);
  std::size_t run_for(Duration duration, std::size_t max_tasks = kDefaultTaskLimit);

  std::size_t pending() const { return queue_.size(); }
  std::optional<MonoTime> next_due() const;

  // Clock skew: the wall clock reads `offset` away from start + monotonic time.
  void set_wall_offset(Duration offset) { wall_offset_ = offset; }
  // A wall-clock jump (NTP step, operator setting the date): adds to the offset.
  void jump_wall_clock(Duration jump) { wall_offset_ += jump; }
  Duration wall_offset() const { return wall_offset_; }

 private:
  // Ordered by due time, then by sequence number, which keeps equal due times in scheduling order.
  using Key = std::pair<MonoTime, std::uint64_t>;

  std::uint64_t enqueue(MonoTime due, Task task);

  WallTime wall_start_;
  Duration wall_offset_{0};
  MonoTime now_{0};
  std::uint64_t next_sequence_ = 1;
  std::map<Key, Task> queue_;
  // Due time of each pending timer (posted tasks are not cancellable and are not listed).
  std::unordered_map<TimerId, MonoTime> timer_due_;
};

}  // namespace margo
