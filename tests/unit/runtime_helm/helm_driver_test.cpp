// The runtime contract's HelmDriver (tests/contract/runtime/helm_driver.cpp) works: it is compiled
// into this suite so that a change breaking it shows here first.

#include <catch2/catch.hpp>

#include "tests/contract/runtime/helm_driver.hpp"

using namespace margo;
using margo::contract::HelmDriver;
using namespace std::chrono_literals;

namespace {

// Applies or removes through the driver's runtime and waits for the answer.
template <typename T, typename Start>
std::optional<Result<T>> await(HelmDriver& driver, Start start) {
  std::optional<Result<T>> outcome;
  start([&outcome](Result<T> result) { outcome = std::move(result); });
  if (!driver.run_until([&] { return outcome.has_value(); }, 60s)) return std::nullopt;
  return outcome;
}

}  // namespace

TEST_CASE("HelmDriver: install, see the parameter, break, delete, remove", "[helm][driver]") {
  HelmDriver driver;
  WorkloadRuntime& runtime = driver.runtime();
  CHECK(runtime.profile_type() == "helm");
  const ComponentSpec spec = driver.installable("dep-9", "greeter", {{driver.parameter_pointer(), "hello"}});

  auto applied = await<void>(driver, [&](Callback<void> done) { runtime.apply(spec, done); });
  REQUIRE(applied);
  REQUIRE(applied->ok());
  CHECK(driver.parameter_seen(spec.ref) == std::optional<std::string>("hello"));

  driver.break_workload(spec.ref);
  auto broken = await<ComponentObservation>(
      driver, [&](Callback<ComponentObservation> done) { runtime.inspect(spec.ref, done); });
  REQUIRE(broken);
  REQUIRE(broken->ok());
  CHECK(broken->value().health == ComponentHealth::failed);

  driver.delete_workload(spec.ref);
  auto deleted = await<ComponentObservation>(
      driver, [&](Callback<ComponentObservation> done) { runtime.inspect(spec.ref, done); });
  REQUIRE(deleted);
  CHECK(deleted->value().health == ComponentHealth::missing);
  CHECK_FALSE(driver.parameter_seen(spec.ref));

  auto removed = await<void>(driver, [&](Callback<void> done) { runtime.remove(spec.ref, done); });
  REQUIRE(removed);
  CHECK(removed->ok());
}

TEST_CASE("HelmDriver: an uninstallable component fails with helm.chart_not_found", "[helm][driver]") {
  HelmDriver driver;
  const ComponentSpec spec = driver.uninstallable("dep-9", "ghost");
  auto applied = await<void>(driver, [&](Callback<void> done) { driver.runtime().apply(spec, done); });
  REQUIRE(applied);
  REQUIRE_FALSE(applied->ok());
  CHECK(applied->error().code == "helm.chart_not_found");
}

TEST_CASE("HelmDriver: run_until gives up at its limit", "[helm][driver]") {
  HelmDriver driver;
  CHECK_FALSE(driver.run_until([] { return false; }, 50ms));
  CHECK(driver.run_until([] { return true; }, 0ms));
}

TEST_CASE("HelmDriver: completions of calls a run_until gave up on are dropped", "[helm][driver]") {
  HelmDriver driver;
  const ComponentSpec spec = driver.installable("dep-9", "late", {});
  std::optional<Result<ComponentObservation>> outcome;
  driver.runtime().inspect(spec.ref,
                           [&](Result<ComponentObservation> result) { outcome = std::move(result); });
  CHECK_FALSE(driver.run_until([&] { return outcome.has_value(); }, 0ms));
  CHECK_FALSE(driver.run_until([&] { return outcome.has_value(); }, 2s));
  // A call made afterwards is delivered as usual.
  std::optional<Result<ComponentObservation>> again;
  driver.runtime().inspect(spec.ref, [&](Result<ComponentObservation> result) { again = std::move(result); });
  CHECK(driver.run_until([&] { return again.has_value(); }, 60s));
}
