// The Executor contract (agent/ports/executor.hpp), the same cases against virtual time and the real
// event loop. Real delays are a few milliseconds apart and only the order of events is asserted.

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/contract/executor/executor_drivers.hpp"

namespace margo::contract {
namespace {

using namespace std::chrono_literals;

TEMPLATE_TEST_CASE("posted tasks run in posting order, never inside post()", "[executor][contract]",
                   VirtualDriver, EventLoopDriver) {
  TestType driver;
  Executor& executor = driver.executor();
  std::vector<int> order;
  for (int index = 0; index < 5; ++index) executor.post([&order, index] { order.push_back(index); });
  executor.post([&] { driver.finish(); });
  CHECK(order.empty());

  REQUIRE(driver.run());
  CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
}

TEMPLATE_TEST_CASE("tasks posted from a task run after it, in posting order", "[executor][contract]",
                   VirtualDriver, EventLoopDriver) {
  TestType driver;
  Executor& executor = driver.executor();
  std::vector<std::string> order;
  executor.post([&] {
    order.push_back("A");
    executor.post([&] {
      order.push_back("B");
      executor.post([&] {
        order.push_back("D");
        driver.finish();
      });
    });
    executor.post([&] { order.push_back("C"); });
    order.push_back("A done");
  });

  REQUIRE(driver.run());
  CHECK(order == std::vector<std::string>{"A", "A done", "B", "C", "D"});
}

TEMPLATE_TEST_CASE("timers fire in due order, equal due times in scheduling order", "[executor][contract]",
                   VirtualDriver, EventLoopDriver) {
  TestType driver;
  Executor& executor = driver.executor();
  std::vector<std::string> order;
  const auto record = [&](std::string name) {
    return [&, name] {
      order.push_back(name);
      if (order.size() == 5) driver.finish();
    };
  };
  executor.schedule_after(60ms, record("60"));
  executor.schedule_after(20ms, record("20 first"));
  executor.schedule_after(40ms, record("40"));
  executor.schedule_after(20ms, record("20 second"));
  executor.schedule_after(20ms, record("20 third"));

  REQUIRE(driver.run());
  CHECK(order == std::vector<std::string>{"20 first", "20 second", "20 third", "40", "60"});
}

TEMPLATE_TEST_CASE("a cancelled timer never runs and cancel reports false afterwards", "[executor][contract]",
                   VirtualDriver, EventLoopDriver) {
  TestType driver;
  Executor& executor = driver.executor();
  bool cancelled_ran = false;
  bool fired = false;
  const auto cancelled = executor.schedule_after(5ms, [&] { cancelled_ran = true; });
  const auto fires = executor.schedule_after(1ms, [&] { fired = true; });
  executor.schedule_after(15ms, [&] { driver.finish(); });

  CHECK(executor.cancel(cancelled));
  CHECK_FALSE(executor.cancel(cancelled));
  REQUIRE(driver.run());

  CHECK(fired);
  CHECK_FALSE(cancelled_ran);
  CHECK_FALSE(executor.cancel(fires));      // it already ran
  CHECK_FALSE(executor.cancel(987654321));  // never issued
}

TEMPLATE_TEST_CASE("a task can cancel a timer that is not due yet", "[executor][contract]", VirtualDriver,
                   EventLoopDriver) {
  TestType driver;
  Executor& executor = driver.executor();
  bool later_ran = false;
  bool cancelled = false;
  const auto later = executor.schedule_after(10'000ms, [&] { later_ran = true; });
  executor.post([&] {
    cancelled = executor.cancel(later);
    executor.schedule_after(1ms, [&] { driver.finish(); });
  });

  REQUIRE(driver.run());
  CHECK(cancelled);
  CHECK_FALSE(later_ran);
  CHECK_FALSE(executor.cancel(later));
}

// The case of a completion and its timeout falling due together: whichever runs first cancels the
// other, which then must not run.
TEMPLATE_TEST_CASE("a timer cancelled by a task due at the same moment does not run", "[executor][contract]",
                   VirtualDriver, EventLoopDriver) {
  TestType driver;
  Executor& executor = driver.executor();
  bool second_ran = false;
  bool cancelled = false;
  Executor::TimerId second = 0;
  executor.schedule_after(0ms, [&] { cancelled = executor.cancel(second); });
  second = executor.schedule_after(0ms, [&] { second_ran = true; });
  executor.schedule_after(0ms, [&] { driver.finish(); });

  REQUIRE(driver.run());
  CHECK(cancelled);
  CHECK_FALSE(second_ran);
}

TEMPLATE_TEST_CASE("zero and negative delays run soon, never inside schedule_after()", "[executor][contract]",
                   VirtualDriver, EventLoopDriver) {
  TestType driver;
  Executor& executor = driver.executor();
  std::vector<std::string> order;
  executor.post([&] {
    executor.schedule_after(0ms, [&] { order.push_back("zero"); });
    executor.schedule_after(-5ms, [&] {
      order.push_back("negative");
      driver.finish();
    });
    order.push_back("scheduling task done");
  });

  REQUIRE(driver.run());
  CHECK(order == std::vector<std::string>{"scheduling task done", "zero", "negative"});
}

TEMPLATE_TEST_CASE("now() never decreases and no timer runs before its delay", "[executor][contract]",
                   VirtualDriver, EventLoopDriver) {
  TestType driver;
  Executor& executor = driver.executor();
  std::vector<MonoTime> seen;
  bool ran_early = false;
  constexpr std::size_t kTimers = 6;
  std::size_t timers_ran = 0;
  for (const Duration delay : {3ms, 1ms, 0ms, 2ms, 3ms, 5ms}) {
    const MonoTime scheduled_at = executor.now();
    executor.schedule_after(delay, [&, scheduled_at, delay] {
      seen.push_back(executor.now());
      ran_early = ran_early || executor.now() < scheduled_at + delay;
      executor.post([&] { seen.push_back(executor.now()); });
      if (++timers_ran == kTimers) executor.schedule_after(1ms, [&] { driver.finish(); });
    });
  }

  REQUIRE(driver.run());
  CHECK_FALSE(ran_early);
  CHECK(seen.size() >= kTimers);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
}

}  // namespace
}  // namespace margo::contract
