#pragma once
// Everything the agent must remember across restarts, in one versioned document.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/core/deployment_record.hpp"
#include "agent/ports/result.hpp"

namespace margo {

inline constexpr int kStateSchemaVersion = 1;

struct OutboxEntry {
  std::uint64_t sequence = 0;
  std::string deployment_id;
  std::string body;  // the DeploymentStatusManifest JSON, as it will be sent
  bool operator==(const OutboxEntry&) const = default;
};

struct AgentState {
  // Onboarding: the identity the WFM gave this client. Empty until onboarded.
  std::string client_id;

  // Capabilities: whether the first report (POST) was accepted, and the SHA-256 of the bytes last
  // accepted, so a changed file is sent again (PUT).
  bool capabilities_reported = false;
  std::string capabilities_sha256;

  // Desired state: the last manifest whose reconciliation succeeded (every deployment where it asks),
  // the ETag sent in If-None-Match.
  std::optional<std::uint64_t> manifest_version;
  std::string manifest_etag;
  // A manifest taken in (its plan saved in the same write) and still being applied; it becomes the
  // accepted one once the desired state is reached. Rollback protection compares against the higher
  // of the two, so no lower or equal version is taken in after a crash at any point.
  std::optional<std::uint64_t> pending_manifest_version;
  std::string pending_manifest_etag;

  // Every deployment the agent is responsible for, by deploymentId (removed ones are dropped once
  // their `removed` report is queued).
  std::map<std::string, DeploymentRecord> deployments;

  // Status reports not yet accepted by the WFM, oldest first. Queued in the same save as the state
  // change they report, so none is lost and they go out in order.
  std::vector<OutboxEntry> outbox;
  std::uint64_t next_report_sequence = 1;

  bool operator==(const AgentState&) const = default;
};

nlohmann::json to_json(const AgentState& state);
// Fails with state.invalid naming the offending field.
Result<AgentState> agent_state_from_json(const nlohmann::json& json);

}  // namespace margo
