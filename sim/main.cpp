// margo-sim: the agent core in virtual time against the fake WFM, driven by a scenario file.

#include <exception>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "sim/conformance_report.hpp"
#include "sim/embedded_scenarios.hpp"
#include "sim/html_report.hpp"
#include "sim/scenario_runner.hpp"

namespace {

const char* const kUsage =
    "usage: margo-sim [run] [SCENARIO.yaml...] [--seed N] [--trace F] [--junit F] [--html F] [--quiet]\n"
    "\n"
    "Runs the real agent core and protocol client (signing included) in virtual time against the fake\n"
    "WFM, following each scenario: timed faults, partitions, restarts and power losses, then checks the\n"
    "scenario's expectations. Prints a timeline of what the agent did, a summary, the requirement table\n"
    "(each checklist item the expectations name, PASS or FAIL) and PASS or FAIL with the command that\n"
    "replays the run. Without a scenario file it runs the built-in quickstart.\n"
    "\n"
    "  --seed N    override the scenarios' seed\n"
    "  --trace F   write the timelines to F (the same seed gives the same bytes)\n"
    "  --junit F   write JUnit XML to F: a testcase per checklist item per scenario\n"
    "  --html F    write the report to F: one self-contained page, requirement tables and timelines\n"
    "  --quiet     no timeline on the terminal\n"
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
}

void print_verdict(const margo::sim::ScenarioRun& run) {
  std::cout << margo::sim::requirement_table(run.result);
  if (run.result.passed()) {
    std::cout << "PASS\n";
    return;
  }
  for (const auto& failure : run.result.failures) std::cout << "  expectation failed: " << failure << "\n";
  std::cout << "FAIL (seed " << run.result.seed << "); replay: " << margo::sim::replay_command(run) << "\n";
}

struct Options {
  std::vector<std::string> scenario_paths;
  std::optional<std::uint64_t> seed;
  std::string trace_path;
  std::string junit_path;
  std::string html_path;
  bool quiet = false;
};

// Nullopt, said on stderr, for a bad command line; `help` is set for --help.
std::optional<Options> parse_options(const std::vector<std::string>& arguments, bool& help) {
  Options options;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& word = arguments[i];
    const bool has_value = i + 1 < arguments.size();
    if (word == "--help" || word == "-h") {
      help = true;
    } else if (word == "--quiet") {
      options.quiet = true;
    } else if (word == "--seed" && has_value) {
      try {
        options.seed = std::stoull(arguments[++i]);
      } catch (const std::exception&) {
        std::cerr << "margo-sim: --seed needs a number\n";
        return std::nullopt;
      }
    } else if (word == "--trace" && has_value) {
      options.trace_path = arguments[++i];
    } else if (word == "--junit" && has_value) {
      options.junit_path = arguments[++i];
    } else if (word == "--html" && has_value) {
      options.html_path = arguments[++i];
    } else if (word == "run" && i == 0) {
      continue;
    } else if (!word.empty() && word[0] != '-') {
      options.scenario_paths.push_back(word);
    } else {
      std::cerr << "margo-sim: unexpected argument '" << word << "'\n" << kUsage;
      return std::nullopt;
    }
  }
  return options;
}

bool write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (out) return true;
  std::cerr << "margo-sim: cannot write " << path << "\n";
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  bool help = false;
  const auto options = parse_options(std::vector<std::string>(argv + 1, argv + argc), help);
  if (help) {
    std::cout << kUsage;
    return 0;
  }
  if (!options) return 2;

  std::vector<std::pair<std::string, margo::Result<margo::sim::Scenario>>> scenarios;
  if (options->scenario_paths.empty())
    scenarios.emplace_back("built-in quickstart", margo::sim::parse_scenario(margo::sim::kQuickstartScenario,
                                                                             "built-in quickstart"));
  for (const auto& path : options->scenario_paths)
    scenarios.emplace_back(path, margo::sim::load_scenario_file(path));
  for (const auto& [source, scenario] : scenarios) {
    if (!scenario) {
      std::cerr << "margo-sim: " << scenario.error().message << "\n";
      return 2;
    }
  }

  std::vector<margo::sim::ScenarioRun> runs;
  std::string traces;
  bool all_passed = true;
  for (const auto& [source, scenario] : scenarios) {
    try {
      margo::sim::ScenarioRun run{scenario->name, source, margo::sim::run_scenario(*scenario, options->seed)};
      if (!options->quiet) {
        std::cout << "scenario: " << scenario->name << "\n";
        if (!scenario->description.empty()) std::cout << scenario->description << "\n";
        std::cout << "\n" << run.result.timeline;
      }
      print_summary(run.result, scenario->name);
      print_verdict(run);
      traces += "scenario: " + scenario->name + " (seed " + std::to_string(run.result.seed) + ")\n" +
                run.result.timeline;
      all_passed = all_passed && run.result.passed();
      runs.push_back(std::move(run));
    } catch (const std::exception& error) {
      std::cerr << "margo-sim: simulator failure in " << source << ": " << error.what() << "\n";
      return 2;
    }
  }
  if (!options->trace_path.empty() && !write_file(options->trace_path, traces)) return 2;
  if (!options->junit_path.empty() && !write_file(options->junit_path, margo::sim::junit_xml(runs))) return 2;
  if (!options->html_path.empty() && !write_file(options->html_path, margo::sim::html_report(runs))) return 2;
  return all_passed ? 0 : 1;
}
