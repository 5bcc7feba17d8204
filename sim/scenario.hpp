#pragma once
// A scenario file: one device against the fake WFM in virtual time — the world's settings, timed
// events (faults, partitions, restarts, power losses) and what must hold at the end. The format is
// documented in scenarios/README.md.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/ports/result.hpp"
#include "sim/device_world.hpp"

namespace margo::sim {

struct ScenarioEvent {
  Duration at{};
  std::string description;  // for the timeline: "WFM down"
  std::function<void(DeviceWorld&)> apply;
};

struct Expectations {
  std::optional<std::string> agent_phase;  // polling, failed, ...
  std::optional<std::uint64_t> onboardings;
  std::optional<std::uint64_t> onboarding_requests;
  std::optional<std::uint64_t> min_polls;
  std::optional<std::uint64_t> max_polls;
  std::optional<std::uint64_t> min_not_modified;
  std::optional<std::uint64_t> max_failed_polls;
  std::optional<std::uint64_t> capabilities_reports;
  std::optional<std::uint64_t> manifest_version;
  std::optional<std::string> fatal_code;
  bool all_signatures_verified = true;
  // Deployment states in the agent's saved state at the end ("absent": no record left).
  std::map<std::string, std::string> deployments;
  // The states the WFM received for a deployment, in order (repeats of the same state collapsed: a
  // report sent again after a crash is not a new transition).
  std::map<std::string, std::vector<std::string>> status_sequences;
  std::optional<std::uint64_t> runtime_components;   // components installed in the runtimes at the end
  std::optional<std::uint64_t> max_runtime_applies;  // successful applies, all runtimes together
  bool outbox_empty = false;                         // every status report delivered
  std::vector<DailyWindow> quiet_windows;            // the WFM saw no request inside these (UTC)
  // Every manifest request after the first 200 carried If-None-Match with an ETag the WFM had served.
  bool if_none_match_after_first_200 = false;
  // After an onboarding answered 400, 403 or 409 the WFM saw no request at all.
  bool no_requests_after_refusal = false;
  // deployment -> state -> by when (since the start) the WFM must have received that state for it.
  std::map<std::string, std::map<std::string, Duration>> reported_by;
  // After each changeCapabilities event the WFM got a PUT of the capabilities within this time.
  std::optional<Duration> capabilities_resent_within;
  // From `from` to `to`, no hour-long slice saw more than `max` requests at the WFM (an outage costs
  // a bounded number of retries, not a storm).
  struct RequestRate {
    Duration from{};
    Duration to{};
    std::uint64_t max = 0;
  };
  std::optional<RequestRate> max_requests_per_hour;
  // Security events the agent logged (event=security), by code: exactly this many of each.
  std::map<std::string, std::uint64_t> security_events;
  // Checklist items an expectation key shows in this scenario, instead of the key's defaults.
  std::map<std::string, std::vector<int>> requirements;
};

struct Scenario {
  std::string name;
  std::string description;
  Duration duration = std::chrono::minutes(10);
  DeviceWorldOptions world;
  std::vector<ScenarioEvent> events;  // sorted by time
  Expectations expect;
};

// Errors: scenario.invalid naming the key and the reason.
Result<Scenario> parse_scenario(std::string_view yaml, const std::string& source_name);
Result<Scenario> load_scenario_file(const std::string& path);

}  // namespace margo::sim
