#pragma once
// `margo-agent state` and `margo-agent reset-version`: the persisted state, for operators.

#include <ostream>

#include "agent/app/config/agent_config.hpp"

namespace margo {

// Prints {"dataDirectory":..,"fresh":..,"recovered":..,"state":{...}} as JSON.
int print_state_command(const AgentConfig& config, std::ostream& out, std::ostream& err);

// The recovery path after a WFM database reset (manifestVersion back to 1): rollback protection would
// refuse every manifest forever. Clears the accepted version and ETag, keeps everything else, and
// refuses while an agent holds the data directory.
int reset_version_command(const AgentConfig& config, std::ostream& out, std::ostream& err);

}  // namespace margo
