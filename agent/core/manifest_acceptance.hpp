#pragma once
// When a manifest counts as accepted (checklist 58: its version and ETag are persisted after
// reconciliation succeeds, not before). Taking a manifest in records it as pending, together with the
// plan; every later save that finds the desired state reached turns it into the accepted one.

#include <cstdint>
#include <optional>

#include "agent/core/agent_state.hpp"

namespace margo {

// Every deployment is where the desired state wants it: installed at its desired digest with nothing
// left of earlier revisions; no removal outstanding.
bool desired_state_reached(const AgentState& state);

// The pending manifest becomes the accepted one when the desired state is reached. Returns the version
// accepted, or nullopt when there was nothing to accept yet.
std::optional<std::uint64_t> accept_pending_manifest(AgentState& state);

// The version a new manifest must exceed: the higher of the accepted and the pending one.
std::optional<std::uint64_t> rollback_floor(const AgentState& state);

}  // namespace margo
