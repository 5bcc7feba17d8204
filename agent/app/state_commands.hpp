#pragma once
// `margo-agent state`, `reset-version` and `retry`: the persisted state, for operators. The commands that
// change it refuse while an agent holds the data directory.

#include <ostream>

#include "agent/app/config/agent_config.hpp"

namespace margo {

// Prints {"dataDirectory":..,"fresh":..,"recovered":..,"state":{...}} as JSON.
int print_state_command(const AgentConfig& config, std::ostream& out, std::ostream& err);

// The recovery path after a WFM database reset (manifestVersion back to 1): rollback protection would
// refuse every manifest forever. Clears the accepted version and ETag, keeps everything else, and
// refuses while an agent holds the data directory.
int reset_version_command(const AgentConfig& config, std::ostream& out, std::ostream& err);

// Unblocks a deployment that failed for a reason retrying could not fix (an invalid deployment, a
// missing runtime, a bad package): it is tried again, with fresh attempts, when the agent next runs.
// Exit 2 when no such deployment is stored.
int retry_command(const AgentConfig& config, const std::string& deployment_id, std::ostream& out,
                  std::ostream& err);

}  // namespace margo
