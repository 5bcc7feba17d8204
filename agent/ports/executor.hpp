#pragma once
// Clock and scheduler. The core, the protocol client, the simulator and the fakes get time only
// from here: the real event loop in production, a virtual-time queue in simulation.

#include <chrono>
#include <cstdint>
#include <functional>

namespace margo {

using Duration = std::chrono::milliseconds;
// Monotonic time since the executor started; never jumps.
using MonoTime = std::chrono::milliseconds;
// Wall-clock time (Unix epoch); may jump or be skewed.
using WallTime = std::chrono::sys_time<std::chrono::milliseconds>;

class Executor {
 public:
  using Task = std::function<void()>;
  using TimerId = std::uint64_t;

  virtual ~Executor() = default;

  virtual MonoTime now() const = 0;
  virtual WallTime wall_now() const = 0;

  // Runs the task on the executor after the current task returns. Tasks posted from one thread run
  // in the order they were posted.
  virtual void post(Task task) = 0;

  // Runs the task once, no earlier than `delay` from now. Timers due at the same time run in the
  // order they were scheduled.
  virtual TimerId schedule_after(Duration delay, Task task) = 0;

  // Cancels a pending timer. Returns false when it already ran or was cancelled.
  virtual bool cancel(TimerId id) = 0;
};

inline std::int64_t unix_seconds(WallTime time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

}  // namespace margo
