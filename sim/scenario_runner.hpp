#pragma once
// Runs a scenario in a fresh device world and checks its expectations.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.hpp"

namespace margo::sim {

struct ScenarioSummary {
  std::uint64_t wfm_requests = 0;
  std::uint64_t onboardings = 0;  // onboarding requests answered 201
  std::uint64_t onboarding_requests = 0;
  std::uint64_t polls = 0;         // manifest requests the WFM saw
  std::uint64_t not_modified = 0;  // of which answered 304
  std::uint64_t failed_polls = 0;  // of which answered neither 200 nor 304
  std::uint64_t capabilities_reports = 0;
  std::uint64_t signatures_verified = 0;
  std::uint64_t signatures_rejected = 0;  // missing or failed
  std::uint64_t request_bytes = 0;        // approximate wire bytes both ways
  std::uint64_t response_bytes = 0;
  std::string agent_phase;
  std::uint64_t status_reports = 0;                // accepted by the WFM
  std::uint64_t outbox = 0;                        // still waiting to be sent
  std::uint64_t runtime_applies = 0;               // successful, all runtimes
  std::uint64_t runtime_components = 0;            // installed at the end
  std::map<std::string, std::string> deployments;  // id -> state, from the agent's saved state
};

// One expectation checked at the end of a run, and the checklist items it shows.
struct Verdict {
  std::string expectation;        // the scenario file's key: "manifestVersion"
  std::vector<int> requirements;  // checklist items (../shared/spec/margo-api.md section 7)
  bool passed = false;
  std::string evidence;  // what was seen: "accepted manifestVersion is 3, expected 3"
};

// What the report's timeline chart draws: the scenario's events and every request the WFM saw.
struct ChartMarks {
  Duration duration{};
  std::vector<std::pair<Duration, std::string>> events;  // when, what ("WFM down")
  struct Request {
    Duration at{};
    std::string route;  // manifest, status, ...
    int status = 0;
  };
  std::vector<Request> requests;
};

struct ScenarioResult {
  std::uint64_t seed = 0;
  ChartMarks chart;
  std::vector<Verdict> verdicts;      // every expectation checked, in the file's order of keys
  std::vector<std::string> failures;  // the evidence of those that did not hold; empty: passed
  ScenarioSummary summary;
  std::string timeline;
  std::string trace_sha256;  // of the timeline: equal for equal seeds
  bool passed() const { return failures.empty(); }
};

ScenarioResult run_scenario(const Scenario& scenario, std::optional<std::uint64_t> seed = std::nullopt);

// The states the WFM received for a deployment, in order, repeats of the same state collapsed.
std::vector<std::string> received_states(DeviceWorld& world, const std::string& deployment_id);

}  // namespace margo::sim
