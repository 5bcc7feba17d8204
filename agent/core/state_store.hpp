#pragma once
// The persisted agent state: one file (mode 0600) plus the previous good copy. Every save is durable
// before it returns. A damaged file is never silently replaced by a fresh start: load falls back to
// the previous copy and says so, or fails when nothing good is left.

#include <optional>
#include <string>

#include "agent/core/agent_state.hpp"
#include "agent/ports/filesystem.hpp"

namespace margo {

struct LoadedState {
  AgentState state;
  bool fresh = false;                    // no state existed: first start
  std::optional<std::string> recovered;  // set when the main file was damaged: what happened
};

class StateStore {
 public:
  StateStore(FileSystem& fs, std::string directory);

  // Errors: state.corrupt (security class: every copy is damaged, operator action needed),
  // state.unsupported_schema, fs.* when the files cannot be read.
  Result<LoadedState> load();
  Status save(const AgentState& state);

  std::string state_path() const;
  std::string previous_path() const;

 private:
  Result<std::optional<AgentState>> read_copy(const std::string& path, std::string& problem);

  FileSystem& fs_;
  std::string directory_;
  std::optional<std::string> last_saved_;  // the bytes of the current good file
};

// The document as written: {"schema":1,"sha256":"<hex of state>","state":{...}}.
std::string serialize_state_document(const AgentState& state);

}  // namespace margo
