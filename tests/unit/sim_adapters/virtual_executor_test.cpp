// VirtualExecutor specifics beyond the Executor contract: how the driver moves time, the injectable
// wall clock, the runaway guard, and that a seeded run replays exactly.

#include <catch2/catch.hpp>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "sim/adapters/seeded_random.hpp"
#include "sim/adapters/virtual_executor.hpp"

namespace margo {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

TEST_CASE("virtual time starts at zero and the wall clock at 2026-01-01T00:00:00Z", "[virtual_executor]") {
  VirtualExecutor executor;
  CHECK(executor.now() == 0ms);
  CHECK(unix_seconds(executor.wall_now()) == 1767225600);
  CHECK(executor.pending() == 0);
  CHECK_FALSE(executor.next_due().has_value());
  CHECK_FALSE(executor.run_one());

  const WallTime custom_start = time_point_cast<milliseconds>(sys_days{year{2030} / March / 5}) + 250ms;
  VirtualExecutor custom(custom_start);
  CHECK(custom.wall_now() == custom_start);
}

TEST_CASE("run_one jumps time to the next due task", "[virtual_executor]") {
  VirtualExecutor executor;
  MonoTime ran_at{-1};
  executor.schedule_after(50ms, [&] { ran_at = executor.now(); });
  CHECK(executor.pending() == 1);
  REQUIRE(executor.next_due() == MonoTime(50ms));

  CHECK(executor.run_one());
  CHECK(ran_at == 50ms);
  CHECK(executor.now() == 50ms);
  CHECK(executor.pending() == 0);
}

TEST_CASE("run_until runs what is due, including work scheduled within the window", "[virtual_executor]") {
  VirtualExecutor executor;
  std::vector<std::string> ran;
  executor.schedule_after(10ms, [&] {
    ran.push_back("10");
    executor.schedule_after(5ms, [&] { ran.push_back("15 (scheduled at 10)"); });
  });
  executor.schedule_after(20ms, [&] { ran.push_back("20"); });
  executor.schedule_after(30ms, [&] { ran.push_back("30"); });

  CHECK(executor.run_until(20ms) == 3);
  CHECK(ran == std::vector<std::string>{"10", "15 (scheduled at 10)", "20"});
  CHECK(executor.now() == 20ms);
  CHECK(executor.pending() == 1);

  CHECK(executor.run_until(5ms) == 0);  // the past: time stays
  CHECK(executor.now() == 20ms);

  CHECK(executor.run_for(5ms) == 0);
  CHECK(executor.now() == 25ms);
  CHECK(executor.run_for(10ms) == 1);
  CHECK(ran.back() == "30");
  CHECK(executor.now() == 35ms);
}

TEST_CASE("equal due times run in scheduling order, posts included, negative delays count as zero",
          "[virtual_executor]") {
  VirtualExecutor executor;
  std::vector<std::string> ran;
  executor.run_for(100ms);
  executor.schedule_after(0ms, [&] { ran.push_back("timer 0"); });
  executor.post([&] { ran.push_back("post"); });
  executor.schedule_after(-50ms, [&] { ran.push_back("timer -50"); });

  CHECK(executor.next_due() == MonoTime(100ms));
  CHECK(executor.run_until_idle() == 3);
  CHECK(ran == std::vector<std::string>{"timer 0", "post", "timer -50"});
  CHECK(executor.now() == 100ms);
}

TEST_CASE("cancel removes a pending timer only", "[virtual_executor]") {
  VirtualExecutor executor;
  bool cancelled_ran = false;
  const auto cancelled = executor.schedule_after(10ms, [&] { cancelled_ran = true; });
  const auto kept = executor.schedule_after(10ms, [] {});

  CHECK(executor.cancel(cancelled));
  CHECK(executor.pending() == 1);
  CHECK_FALSE(executor.cancel(cancelled));
  executor.run_until_idle();
  CHECK_FALSE(cancelled_ran);
  CHECK_FALSE(executor.cancel(kept));
}

TEST_CASE("the wall clock follows virtual time plus an injectable skew and jumps", "[virtual_executor]") {
  VirtualExecutor executor;
  const WallTime start = executor.wall_now();

  executor.run_for(1500ms);
  CHECK(executor.wall_now() == start + 1500ms);

  executor.set_wall_offset(-1h);
  CHECK(executor.wall_now() == start + 1500ms - 1h);
  CHECK(executor.now() == 1500ms);

  executor.jump_wall_clock(2h);
  CHECK(executor.wall_offset() == 1h);
  CHECK(executor.wall_now() == start + 1500ms + 1h);
  CHECK(executor.now() == 1500ms);  // monotonic time does not jump

  executor.set_wall_offset(0ms);
  CHECK(executor.wall_now() == start + 1500ms);
}

TEST_CASE("the task limit stops a timer that keeps rescheduling itself", "[virtual_executor]") {
  VirtualExecutor executor;
  std::size_t runs = 0;
  std::function<void()> again = [&] {
    ++runs;
    executor.schedule_after(0ms, again);
  };
  executor.post(again);

  CHECK(executor.run_until_idle(1000) == 1000);
  CHECK(runs == 1000);
  CHECK(executor.pending() == 1);

  CHECK(executor.run_until(10ms, 500) == 500);
  CHECK(executor.now() == 0ms);  // stopped early: time stays where the work is
  CHECK(executor.pending() == 1);
}

// Four workers that each take 20 steps with random pauses: their interleaving depends on the seed only.
class TracedWorker {
 public:
  TracedWorker(int id, VirtualExecutor& executor, Random& random, std::vector<std::string>& trace)
      : id_(id), executor_(executor), random_(random), trace_(trace) {}

  void step(int remaining) {
    trace_.push_back(std::to_string(id_) + "@" + std::to_string(executor_.now().count()));
    if (remaining == 0) return;
    executor_.schedule_after(Duration(random_.next_below(50)), [this, remaining] { step(remaining - 1); });
  }

 private:
  int id_;
  VirtualExecutor& executor_;
  Random& random_;
  std::vector<std::string>& trace_;
};

std::vector<std::string> seeded_trace(std::uint64_t seed) {
  VirtualExecutor executor;
  SeededRandom random(seed);
  std::vector<std::string> trace;
  std::deque<TracedWorker> workers;
  for (int id = 0; id < 4; ++id) {
    TracedWorker& worker = workers.emplace_back(id, executor, random, trace);
    executor.post([&worker] { worker.step(20); });
  }
  executor.run_until_idle();
  return trace;
}

TEST_CASE("the same seed replays the same interleaving; another seed does not", "[virtual_executor]") {
  const auto first = seeded_trace(42);
  CHECK(first.size() == 4 * 21);
  CHECK(seeded_trace(42) == first);
  CHECK(seeded_trace(43) != first);
}

}  // namespace
}  // namespace margo
