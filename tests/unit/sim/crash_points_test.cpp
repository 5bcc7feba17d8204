// Crash safety: the deploy-update-remove scenario is run once without a crash, then once per filesystem
// mutation it made, with the power cut right at that mutation (what was not fsynced is lost, and the
// mutation itself never happens). After each cut the device boots, the agent starts on what survived,
// and the run goes on to the end. Every run must end where the crash-free run ended: same deployment
// states, the same status transitions received by the WFM, the same accepted manifestVersion (rollback
// protection intact), the same components in the runtime, no repeated install beyond the ones in
// flight at the cut (deployments install side by side: at most two at once in this scenario), and no
// report left undelivered.

#include <catch2/catch.hpp>

#include <iostream>
#include <set>

#include "sim/adapters/seeded_random.hpp"
#include "sim/scenario_runner.hpp"

using namespace margo;
using namespace margo::sim;

namespace {

struct Outcome {
  std::map<std::string, std::string> deployments;
  std::map<std::string, std::vector<std::string>> reports;
  std::optional<std::uint64_t> manifest_version;
  std::set<std::string> runtime_components;
  std::size_t applies = 0;
  std::size_t outbox = 0;
  std::uint64_t mutations = 0;
  bool crashed = false;
};

void run_until(DeviceWorld& world, MonoTime deadline) {
  while (world.executor().next_due() && *world.executor().next_due() <= deadline) {
    world.executor().run_one();
    if (world.filesystem().crashed()) {
      world.kill_agent();
      world.filesystem().restart();
      world.start_agent();
    }
  }
  world.executor().run_until(deadline);
}

Outcome run(const Scenario& scenario, std::optional<std::uint64_t> crash_at, Random* tear = nullptr) {
  DeviceWorld world(scenario.world);
  const std::uint64_t before = world.filesystem().mutation_count();
  if (crash_at) world.filesystem().crash_at(*crash_at, tear);
  world.start_agent();
  bool crashed = false;
  for (const auto& event : scenario.events) {
    run_until(world, event.at);
    event.apply(world);
  }
  run_until(world, scenario.duration);
  crashed = world.agent_starts() > 1;

  Outcome outcome;
  outcome.crashed = crashed;
  outcome.mutations = world.filesystem().mutation_count() - before;
  REQUIRE(world.agent() != nullptr);
  for (const auto& [id, record] : world.agent()->state().deployments)
    outcome.deployments[id] = std::string(to_string(record.state));
  for (const char* id : {"d-1", "d-2"}) outcome.reports[id] = received_states(world, id);
  outcome.manifest_version = world.agent()->state().manifest_version;
  for (auto* runtime : {&world.compose(), &world.helm()})
    for (const auto& [name, component] : runtime->installed()) outcome.runtime_components.insert(name);
  outcome.applies = world.compose().successful_applies() + world.helm().successful_applies();
  outcome.outbox = world.agent()->state().outbox.size();
  return outcome;
}

// d-1 and d-2 install concurrently: a cut can catch both applies in flight.
constexpr std::size_t kMostOperationsInFlight = 2;

void check_converged(const Outcome& baseline, const Outcome& outcome) {
  CHECK(outcome.crashed);
  CHECK(outcome.deployments == baseline.deployments);
  CHECK(outcome.reports == baseline.reports);
  CHECK(outcome.manifest_version == baseline.manifest_version);
  CHECK(outcome.runtime_components == baseline.runtime_components);
  CHECK(outcome.applies <= baseline.applies + kMostOperationsInFlight);
  CHECK(outcome.outbox == 0);
}

}  // namespace

TEST_CASE("power loss at every filesystem mutation of deploy-update-remove: the agent always converges") {
  auto scenario = load_scenario_file(MARGO_SOURCE_ROOT "/scenarios/deploy-update-remove.yaml");
  REQUIRE(scenario.ok());
  const Outcome baseline = run(*scenario, std::nullopt);
  REQUIRE_FALSE(baseline.crashed);
  REQUIRE(baseline.deployments == std::map<std::string, std::string>{{"d-1", "installed"}});
  REQUIRE(baseline.mutations > 50);

  for (std::uint64_t point = 1; point <= baseline.mutations; ++point) {
    INFO("power cut at filesystem mutation " << point << " of " << baseline.mutations);
    check_converged(baseline, run(*scenario, point));
  }
  std::cout << "crash points tried: " << baseline.mutations << " (every filesystem mutation of "
            << "deploy-update-remove), all converged\n";
}

TEST_CASE("the same with torn writes: unsynced files may keep a random prefix of their new bytes") {
  auto scenario = load_scenario_file(MARGO_SOURCE_ROOT "/scenarios/deploy-update-remove.yaml");
  REQUIRE(scenario.ok());
  const Outcome baseline = run(*scenario, std::nullopt);
  std::size_t tried = 0;
  for (std::uint64_t point = 1; point <= baseline.mutations; ++point) {
    SeededRandom tear(point);
    INFO("torn power cut at filesystem mutation " << point);
    check_converged(baseline, run(*scenario, point, &tear));
    ++tried;
  }
  std::cout << "torn-write crash points tried: " << tried << ", all converged\n";
}
