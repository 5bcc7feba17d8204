#include "agent/core/manifest_acceptance.hpp"

#include <algorithm>

namespace margo {

bool desired_state_reached(const AgentState& state) {
  return std::all_of(state.deployments.begin(), state.deployments.end(), [](const auto& entry) {
    const DeploymentRecord& record = entry.second;
    return record.desired_digest && record.applied_digest == record.desired_digest &&
           record.state == DeploymentState::installed && record.retired.empty() &&
           std::all_of(record.components.begin(), record.components.end(),
                       [](const ComponentRecord& c) { return c.state == DeploymentState::installed; });
  });
}

std::optional<std::uint64_t> accept_pending_manifest(AgentState& state) {
  if (!state.pending_manifest_version || !desired_state_reached(state)) return std::nullopt;
  state.manifest_version = state.pending_manifest_version;
  state.manifest_etag = std::move(state.pending_manifest_etag);
  state.pending_manifest_version.reset();
  state.pending_manifest_etag.clear();
  return state.manifest_version;
}

std::optional<std::uint64_t> rollback_floor(const AgentState& state) {
  if (!state.pending_manifest_version) return state.manifest_version;
  if (!state.manifest_version) return state.pending_manifest_version;
  return std::max(*state.manifest_version, *state.pending_manifest_version);
}

}  // namespace margo
