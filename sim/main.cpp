// margo-sim: the agent core in virtual time against the fake WFM, driven by a scenario file.

#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "sim/embedded_scenarios.hpp"
#include "sim/scenario_runner.hpp"

namespace {

const char* const kUsage =
    "usage: margo-sim [run] [SCENARIO.yaml] [--seed N] [--quiet]\n"
    "\n"
    "Runs the real agent core and protocol client (signing included) in virtual time against the fake\n"
    "WFM, following the scenario: timed faults, partitions, restarts and power losses, then checks the\n"
    "scenario's expectations. Prints a timeline of what the agent did, a summary, and PASS or FAIL with\n"
    "the seed that replays the run. Without a scenario file it runs the built-in quickstart.\n"
    "\n"
    "  --seed N   override the scenario's seed\n"
    "  --quiet    no timeline, only the summary\n"
    "\n"
    "exit codes: 0 passed, 1 an expectation failed, 2 bad command line or scenario\n";

void print_summary(const margo::sim::ScenarioResult& result, const std::string& name) {
  const auto& s = result.summary;
  std::cout << "\nsummary of '" << name << "' (seed " << result.seed << ")\n"
            << "  WFM requests        " << s.wfm_requests << "\n"
            << "  onboardings         " << s.onboardings << " (of " << s.onboarding_requests << " requests)\n"
            << "  capabilities sent   " << s.capabilities_reports << "\n"
            << "  manifest polls      " << s.polls << " (" << s.not_modified << " answered 304, "
            << s.failed_polls << " failed)\n"
            << "  signatures          " << s.signatures_verified << " verified by the fake WFM, "
            << s.signatures_rejected << " missing or failed\n"
            << "  bytes on the wire   " << s.request_bytes << " sent, " << s.response_bytes << " received\n"
            << "  status reports      " << s.status_reports << " accepted by the WFM, " << s.outbox
            << " waiting\n"
            << "  runtime             " << s.runtime_components << " components installed, "
            << s.runtime_applies << " successful applies\n"
            << "  agent phase         " << s.agent_phase << "\n"
            << "  trace               sha256:" << result.trace_sha256 << "\n";
  for (const auto& [id, state] : s.deployments)
    std::cout << "  deployment          " << id << ": " << state << "\n";
  if (result.passed()) {
    std::cout << "PASS\n";
    return;
  }
  for (const auto& failure : result.failures) std::cout << "  expectation failed: " << failure << "\n";
  std::cout << "FAIL (replay with --seed " << result.seed << ")\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> arguments(argv + 1, argv + argc);
  std::string scenario_path;
  std::optional<std::uint64_t> seed;
  bool quiet = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& word = arguments[i];
    if (word == "--help" || word == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (word == "--quiet") {
      quiet = true;
    } else if (word == "--seed" && i + 1 < arguments.size()) {
      try {
        seed = std::stoull(arguments[++i]);
      } catch (const std::exception&) {
        std::cerr << "margo-sim: --seed needs a number\n";
        return 2;
      }
    } else if (word == "run" && i == 0) {
      continue;
    } else if (scenario_path.empty() && !word.empty() && word[0] != '-') {
      scenario_path = word;
    } else {
      std::cerr << "margo-sim: unexpected argument '" << word << "'\n" << kUsage;
      return 2;
    }
  }

  auto scenario = scenario_path.empty()
                      ? margo::sim::parse_scenario(margo::sim::kQuickstartScenario, "built-in quickstart")
                      : margo::sim::load_scenario_file(scenario_path);
  if (!scenario) {
    std::cerr << "margo-sim: " << scenario.error().message << "\n";
    return 2;
  }
  try {
    const auto result = margo::sim::run_scenario(*scenario, seed);
    if (!quiet) {
      std::cout << "scenario: " << scenario->name << "\n";
      if (!scenario->description.empty()) std::cout << scenario->description << "\n";
      std::cout << "\n" << result.timeline;
    }
    print_summary(result, scenario->name);
    return result.passed() ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "margo-sim: simulator failure: " << error.what() << "\n";
    return 2;
  }
}
