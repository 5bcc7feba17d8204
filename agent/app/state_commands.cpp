#include "agent/app/state_commands.hpp"

#include <nlohmann/json.hpp>

#include "agent/adapters/file_lock.hpp"
#include "agent/adapters/posix_filesystem.hpp"
#include "agent/app/agent_service.hpp"
#include "agent/core/paths.hpp"
#include "agent/core/state_store.hpp"

namespace margo {

int print_state_command(const AgentConfig& config, std::ostream& out, std::ostream& err) {
  PosixFileSystem fs;
  StateStore store(fs, config.data_dir);
  auto loaded = store.load();
  if (!loaded) {
    err << "margo-agent: " << loaded.error().message << "\n";
    return kExitFatal;
  }
  nlohmann::json document = {{"dataDirectory", config.data_dir}, {"fresh", loaded->fresh}};
  document["recovered"] = loaded->recovered ? nlohmann::json(*loaded->recovered) : nlohmann::json();
  document["state"] = to_json(loaded->state);
  out << document.dump(2) << "\n";
  return kExitOk;
}

int reset_version_command(const AgentConfig& config, std::ostream& out, std::ostream& err) {
  PosixFileSystem fs;
  auto lock = FileLock::acquire(join_path(config.data_dir, "agent.lock"));
  if (!lock) {
    err << "margo-agent: " << lock.error().message << "; stop the agent first\n";
    return kExitFatal;
  }
  StateStore store(fs, config.data_dir);
  auto loaded = store.load();
  if (!loaded) {
    err << "margo-agent: " << loaded.error().message << "\n";
    return kExitFatal;
  }
  AgentState state = loaded->state;
  if (!state.manifest_version) {
    out << "no manifestVersion is stored; nothing to reset\n";
    return kExitOk;
  }
  const std::uint64_t previous = *state.manifest_version;
  state.manifest_version.reset();
  state.manifest_etag.clear();
  if (auto saved = store.save(state); !saved) {
    err << "margo-agent: cannot save the state: " << saved.error().message << "\n";
    return kExitFatal;
  }
  out << "forgot manifestVersion " << previous
      << " and its ETag; the next manifest from the WFM will be accepted whatever its version\n";
  return kExitOk;
}

}  // namespace margo
