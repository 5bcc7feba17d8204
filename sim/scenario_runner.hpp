#pragma once
// Runs a scenario in a fresh device world and checks its expectations.

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
};

struct ScenarioResult {
  std::uint64_t seed = 0;
  std::vector<std::string> failures;  // expectations that did not hold; empty: passed
  ScenarioSummary summary;
  std::string timeline;
  std::string trace_sha256;  // of the timeline: equal for equal seeds
  bool passed() const { return failures.empty(); }
};

ScenarioResult run_scenario(const Scenario& scenario, std::optional<std::uint64_t> seed = std::nullopt);

}  // namespace margo::sim
