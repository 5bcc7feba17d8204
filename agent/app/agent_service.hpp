#pragma once
// margo-agent as a daemon: wires the real adapters to the agent core and runs the event loop until
// SIGTERM/SIGINT (exit 0) or until the agent stops itself (exit 3).

#include "agent/app/config/agent_config.hpp"

namespace margo {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;  // bad command line or config
inline constexpr int kExitFatal = 3;  // the agent stopped itself: onboarding refused, state damaged

int run_agent_service(const AgentConfig& config);

}  // namespace margo
