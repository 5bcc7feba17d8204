#pragma once
// DeploymentStatusManifest bodies, and the outbox they wait in until the WFM accepts them.

#include <string>

#include "agent/core/agent_state.hpp"

namespace margo {

inline constexpr std::string_view kStatusApiVersion = "deployment.margo.org/v1alpha1";

// {"apiVersion", "kind": "DeploymentStatusManifest", "deploymentId", "status": {"state", "error"?},
//  "components": [{"name", "state", "error"?}]}; `error` objects carry code, message and source, and
// are left out when there is no error.
std::string status_report_body(const DeploymentRecord& record);

// Appends the record's current status to the outbox (to be saved with the change it reports).
void queue_status_report(AgentState& state, const DeploymentRecord& record);

// Keeps only the newest report of each deployment, each where it was queued: order across deployments
// follows the events, and the newest state of every deployment stays. Used while the WFM cannot be
// reached, so the outbox holds at most one report per deployment however long the outage. False when
// there was nothing to drop.
bool coalesce_outbox(AgentState& state);

}  // namespace margo
