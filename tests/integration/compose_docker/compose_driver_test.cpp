// The runtime contract's ComposeDriver, exercised here so that it is known to build and work; the
// contract suite itself runs it against the shared runtime contract.

#include <catch2/catch.hpp>

#include "tests/contract/runtime/compose_driver.hpp"
#include "tests/integration/compose_docker/docker_rig.hpp"

using namespace margo;
using namespace margo::test;

namespace {

template <typename T>
Result<T> complete(contract::ComposeDriver& driver, const std::function<void(Callback<T>)>& start) {
  std::optional<Result<T>> outcome;
  start([&](Result<T> result) { outcome = std::move(result); });
  REQUIRE(driver.run_until([&] { return outcome.has_value(); }, std::chrono::minutes(2)));
  return std::move(*outcome);
}

}  // namespace

TEST_CASE("the compose contract driver installs, reads parameters, breaks, deletes and removes",
          "[compose][docker][driver]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  std::string project;
  std::string left_behind;
  {
    contract::ComposeDriver driver;
    WorkloadRuntime& runtime = driver.runtime();
    CHECK(runtime.profile_type() == "compose");
    const ComponentSpec spec = driver.installable("d1", "web", {{driver.parameter_pointer(), "first"}});
    project = spec.ref.runtime_name;
    auto apply = [&](const ComponentSpec& component) {
      return complete<void>(driver, [&](Callback<void> done) { runtime.apply(component, done); });
    };
    auto inspect = [&](const ComponentRef& ref) {
      return complete<ComponentObservation>(
          driver, [&](Callback<ComponentObservation> done) { runtime.inspect(ref, done); });
    };
    REQUIRE(apply(spec).ok());
    CHECK(inspect(spec.ref)->health == ComponentHealth::running);
    CHECK(driver.parameter_seen(spec.ref) == "first");

    const ComponentSpec updated = driver.installable("d1", "web", {{driver.parameter_pointer(), "second"}});
    CHECK(updated.ref.runtime_name == project);
    REQUIRE(apply(updated).ok());
    CHECK(driver.parameter_seen(spec.ref) == "second");

    // Drift is seen, and a re-apply repairs it.
    driver.break_workload(spec.ref);
    CHECK(inspect(spec.ref)->health == ComponentHealth::failed);
    REQUIRE(apply(updated).ok());
    CHECK(inspect(spec.ref)->health == ComponentHealth::running);
    driver.delete_workload(spec.ref);
    CHECK(inspect(spec.ref)->health == ComponentHealth::missing);
    CHECK_FALSE(driver.parameter_seen(spec.ref));
    REQUIRE(apply(updated).ok());
    CHECK(driver.parameter_seen(spec.ref) == "second");

    const ComponentSpec broken = driver.uninstallable("d2", "web");
    CHECK(broken.ref.runtime_name != project);
    CHECK(apply(broken).error().code == "compose.up_failed");

    // A run_until that times out returns false, and the completion it missed is dropped safely.
    bool never = false;
    CHECK_FALSE(driver.run_until([&] { return never; }, std::chrono::milliseconds(50)));

    CHECK(complete<void>(driver, [&](Callback<void> done) { runtime.remove(spec.ref, done); }).ok());
    // Installed and left behind: the driver's destructor removes it.
    const ComponentSpec left = driver.installable("d3", "web", {});
    left_behind = left.ref.runtime_name;
    REQUIRE(apply(left).ok());
    CHECK_FALSE(shell("docker ps -aq " + label_filter(left_behind)).second.empty());
  }
  CHECK(shell("docker ps -aq " + label_filter(project)).second.empty());
  CHECK(shell("docker ps -aq " + label_filter(left_behind)).second.empty());
}
