// The docker-compose v1 wait loop, in virtual time.

#include <catch2/catch.hpp>

#include <deque>

#include "agent/runtime/compose/compose_wait.hpp"
#include "sim/adapters/virtual_executor.hpp"

using namespace margo;

namespace {

struct WaitRig {
  // Observations to hand out in order; the last one repeats.
  std::deque<Result<ComponentObservation>> script;
  std::vector<MonoTime> looked_at;

  Status wait(Duration timeout, Duration interval = std::chrono::seconds(1)) {
    ObserveProject observe = [this](Callback<ComponentObservation> done) {
      looked_at.push_back(executor.now());
      auto next = script.front();
      if (script.size() > 1) script.pop_front();
      executor.post([next, done] { done(next); });
    };
    std::optional<Status> outcome;
    wait_until_running(executor, observe, WaitPlan{executor.now() + timeout, interval, "shop"},
                       [&](Status status) { outcome = status; });
    executor.run_until_idle();
    REQUIRE(outcome.has_value());
    return *outcome;
  }

  VirtualExecutor executor;
};

ComponentObservation seen(ComponentHealth health, std::string detail = "") {
  return {health, std::move(detail)};
}

}  // namespace

TEST_CASE("waiting polls on executor timers until every service runs", "[compose][wait]") {
  WaitRig rig;
  rig.script = {seen(ComponentHealth::progressing, "service db: running (Up 1 second (health: starting))"),
                seen(ComponentHealth::progressing, "service db: restarting"), seen(ComponentHealth::running)};
  CHECK(rig.wait(std::chrono::seconds(60)).ok());
  using std::chrono::seconds;
  CHECK(rig.looked_at == std::vector<MonoTime>{MonoTime(0), MonoTime(seconds(1)), MonoTime(seconds(2))});
  CHECK(rig.executor.now() == MonoTime(seconds(2)));
}

TEST_CASE("waiting ends with compose.timeout at the deadline, naming what was not ready", "[compose][wait]") {
  WaitRig rig;
  rig.script = {seen(ComponentHealth::progressing, "service db: running (Up 4 seconds (health: starting))")};
  const Status outcome = rig.wait(std::chrono::milliseconds(4500));
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == "compose.timeout");
  CHECK(outcome.error().retryable());
  CHECK_THAT(outcome.error().message, Catch::Contains("service db") && Catch::Contains("shop"));
  // Looks at 0, 1, 2, 3, 4 and a last time exactly at the deadline; no later.
  CHECK(rig.looked_at.size() == 6);
  CHECK(rig.executor.now() == MonoTime(4500));
}

TEST_CASE("a container that fails while waited for ends the wait at once", "[compose][wait]") {
  WaitRig rig;
  rig.script = {seen(ComponentHealth::progressing),
                seen(ComponentHealth::failed, "service web: exited (Exited (1))")};
  const Status outcome = rig.wait(std::chrono::minutes(5));
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == "compose.up_failed");
  CHECK_THAT(outcome.error().message, Catch::Contains("Exited (1)"));
  CHECK(rig.executor.now() == MonoTime(std::chrono::seconds(1)));
}

TEST_CASE("an engine lost while waiting reports its own error", "[compose][wait]") {
  WaitRig rig;
  rig.script = {seen(ComponentHealth::missing), retryable_error("runtime.unavailable", "engine gone")};
  const Status outcome = rig.wait(std::chrono::minutes(5));
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == "runtime.unavailable");
}
