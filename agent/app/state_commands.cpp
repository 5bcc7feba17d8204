#include "agent/app/state_commands.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

#include "agent/adapters/file_lock.hpp"
#include "agent/adapters/posix_filesystem.hpp"
#include "agent/app/agent_service.hpp"
#include "agent/core/manifest_acceptance.hpp"
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

namespace {

// Runs `change` on the stored state with the data directory locked, and saves what it returns.
// `change` returns nullopt (and may print why) to leave the state as it is, or an exit code to stop.
int change_state(const AgentConfig& config, std::ostream& err,
                 const std::function<std::optional<int>(AgentState&)>& change) {
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
  if (const auto done = change(state)) return *done;
  if (auto saved = store.save(state); !saved) {
    err << "margo-agent: cannot save the state: " << saved.error().message << "\n";
    return kExitFatal;
  }
  return kExitOk;
}

}  // namespace

int reset_version_command(const AgentConfig& config, std::ostream& out, std::ostream& err) {
  return change_state(config, err, [&](AgentState& state) -> std::optional<int> {
    const auto floor = rollback_floor(state);
    if (!floor) {
      out << "no manifestVersion is stored; nothing to reset\n";
      return kExitOk;
    }
    out << "forgot manifestVersion " << *floor
        << " and its ETag; the next manifest from the WFM will be accepted whatever its version\n";
    state.manifest_version.reset();
    state.manifest_etag.clear();
    state.pending_manifest_version.reset();
    state.pending_manifest_etag.clear();
    return std::nullopt;
  });
}

int retry_command(const AgentConfig& config, const std::string& deployment_id, std::ostream& out,
                  std::ostream& err) {
  return change_state(config, err, [&](AgentState& state) -> std::optional<int> {
    const auto found = state.deployments.find(deployment_id);
    if (found == state.deployments.end()) {
      err << "margo-agent: no deployment '" << deployment_id << "' is stored; known:";
      for (const auto& [id, record] : state.deployments) err << " " << id;
      err << (state.deployments.empty() ? " none\n" : "\n");
      return kExitUsage;
    }
    DeploymentRecord& record = found->second;
    if (!record.blocked) {
      out << "deployment " << deployment_id << " is not blocked; the agent retries it by itself\n";
      return kExitOk;
    }
    record.blocked = false;
    record.attempts = 0;
    out << "deployment " << deployment_id << " will be tried again when the agent runs"
        << (record.error ? " (it failed with " + record.error->code + ")" : std::string()) << "\n";
    return std::nullopt;
  });
}

}  // namespace margo
