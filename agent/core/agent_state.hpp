#pragma once
// Everything the agent must remember across restarts, in one versioned document.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"

namespace margo {

inline constexpr int kStateSchemaVersion = 1;

struct AgentState {
  // Onboarding: the identity the WFM gave this client. Empty until onboarded.
  std::string client_id;

  // Capabilities: whether the first report (POST) was accepted, and the SHA-256 of the bytes last
  // accepted, so a changed file is sent again (PUT).
  bool capabilities_reported = false;
  std::string capabilities_sha256;

  // Desired state: the last manifest taken in whole. Rollback protection compares against it.
  std::optional<std::uint64_t> manifest_version;
  std::string manifest_etag;

  bool operator==(const AgentState&) const = default;
};

nlohmann::json to_json(const AgentState& state);
// Fails with state.invalid naming the offending field.
Result<AgentState> agent_state_from_json(const nlohmann::json& json);

}  // namespace margo
