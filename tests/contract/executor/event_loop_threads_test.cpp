// What only the real event loop has to honour: work handed over from other threads (worker pool
// completions, the signal thread) runs on the loop thread, in the order each thread posted it.

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

#include "tests/contract/executor/executor_drivers.hpp"

namespace margo::contract {
namespace {

using namespace std::chrono_literals;

TEST_CASE("EventLoop delivers tasks posted from another thread, in order, on the loop thread",
          "[executor][event_loop]") {
  EventLoopDriver driver;
  Executor& executor = driver.executor();
  const auto loop_thread = std::this_thread::get_id();
  constexpr int kTasks = 200;
  std::vector<int> order;
  bool all_on_loop_thread = true;

  std::thread poster([&] {
    for (int index = 0; index < kTasks; ++index) {
      executor.post([&, index] {
        all_on_loop_thread = all_on_loop_thread && std::this_thread::get_id() == loop_thread;
        order.push_back(index);
        if (index == kTasks - 1) driver.finish();
      });
    }
  });
  const bool finished = driver.run();
  poster.join();

  REQUIRE(finished);
  CHECK(all_on_loop_thread);
  std::vector<int> expected(kTasks);
  for (int index = 0; index < kTasks; ++index) expected[index] = index;
  CHECK(order == expected);
}

TEST_CASE("EventLoop fires a timer scheduled from another thread while it waits", "[executor][event_loop]") {
  EventLoopDriver driver;
  Executor& executor = driver.executor();
  const auto loop_thread = std::this_thread::get_id();
  bool on_loop_thread = false;
  // Something to wait for, so the loop sleeps while the other thread schedules.
  executor.schedule_after(10'000ms, [] {});

  std::thread scheduler([&] {
    executor.schedule_after(2ms, [&] {
      on_loop_thread = std::this_thread::get_id() == loop_thread;
      driver.finish();
    });
  });
  const bool finished = driver.run();
  scheduler.join();

  REQUIRE(finished);
  CHECK(on_loop_thread);
}

}  // namespace
}  // namespace margo::contract
