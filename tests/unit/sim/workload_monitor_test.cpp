// The monitor through the whole agent in virtual time: what it reports when a workload drifts and
// when one comes back by itself, and that an interval of 0 switches it off.

#include <catch2/catch.hpp>

#include "sim/scenario.hpp"
#include "sim/scenario_runner.hpp"

using namespace margo;
using namespace margo::sim;
using namespace std::chrono_literals;

namespace {

Scenario drift_scenario(const std::string& extra_events, const std::string& expectations) {
  auto scenario = parse_scenario(R"(
name: monitor
seed: 7
duration: 30m
events:
  - at: 1m
    deployments:
      - {id: d-1, components: [web]}
  - at: 10m
    workloadDrift: {deployment: d-1, component: web, health: failed}
)" + extra_events + "expect:\n" + expectations,
                                 "monitor-test");
  REQUIRE(scenario.ok());
  return std::move(scenario).value();
}

std::string failures(const ScenarioResult& result) {
  std::string text;
  for (const auto& failure : result.failures) text += failure + "\n";
  return text;
}

}  // namespace

TEST_CASE("a workload that comes back by itself is reported installed again, without a re-deploy") {
  Scenario scenario = drift_scenario("", R"(
  deployments: {d-1: installed}
  statusSequence:
    d-1: [pending, installing, installed, failed, installed]
  maxRuntimeApplies: 1
)");
  // Recovery is seen before the re-deploy wait is over.
  scenario.world.monitor.redeploy.initial = 1h;
  scenario.world.monitor.redeploy.max = 1h;
  scenario.events.push_back(ScenarioEvent{11min, "web recovers", [](DeviceWorld& world) {
                                            const auto name = world.compose().installed_name("d-1", "web");
                                            REQUIRE(name);
                                            world.compose().set_health(*name, ComponentHealth::running);
                                          }});
  const ScenarioResult result = run_scenario(scenario);
  INFO(failures(result) << result.timeline);
  CHECK(result.passed());
}

TEST_CASE("a drifted workload is reported failed with the runtime's words, then re-deployed") {
  const ScenarioResult result = run_scenario(drift_scenario("", R"(
  deployments: {d-1: installed}
  statusSequence:
    d-1: [pending, installing, installed, failed, installing, installed]
  maxRuntimeApplies: 2
)"));
  INFO(failures(result) << result.timeline);
  CHECK(result.passed());
  CHECK(result.timeline.find("code=workload.failed") != std::string::npos);
}

TEST_CASE("monitoring interval 0: drift goes unnoticed, nothing is inspected") {
  Scenario scenario = drift_scenario("", R"(
  deployments: {d-1: installed}
  statusSequence:
    d-1: [pending, installing, installed]
  maxRuntimeApplies: 1
)");
  scenario.world.monitor.interval = 0s;
  const ScenarioResult result = run_scenario(scenario);
  INFO(failures(result) << result.timeline);
  CHECK(result.passed());
}
