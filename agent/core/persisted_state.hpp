#pragma once
// The agent's state in memory, changed only through commit(): the new state is durable on disk
// before anyone sees it, so what the agent acts on is always what it would recover after a crash.

#include "agent/core/agent_state.hpp"
#include "agent/core/state_store.hpp"

namespace margo {

class PersistedState {
 public:
  PersistedState(StateStore& store, AgentState initial) : store_(store), state_(std::move(initial)) {}

  const AgentState& get() const { return state_; }

  // On failure nothing changes, in memory or on disk.
  Status commit(AgentState next) {
    if (auto saved = store_.save(next); !saved) return saved;
    state_ = std::move(next);
    return {};
  }

 private:
  StateStore& store_;
  AgentState state_;
};

}  // namespace margo
