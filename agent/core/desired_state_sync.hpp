#pragma once
// Takes a validated manifest in: works out which deployments are new, changed or gone; fetches what
// changed (the bundle on the first sync or when many changed, otherwise each changed YAML); verifies
// every digest over the exact bytes; stores the YAMLs; and records the plan durably, with a `pending`
// report per changed deployment. Any fetch or digest failure aborts the whole cycle and changes
// nothing; a 404 never deletes anything. Only absence from the manifest marks a deployment for
// removal. The runtime work itself is the reconciler's.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent/core/bundle_archive.hpp"
#include "agent/core/deployment_store.hpp"
#include "agent/core/desired_state_handler.hpp"
#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/core/persisted_state.hpp"
#include "agent/core/runtime_registry.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/wfm_api.hpp"

namespace margo {

struct SyncSettings {
  std::size_t bundle_threshold = 3;  // this many changed deployments or more: fetch the bundle
  std::size_t max_yaml_bytes = 1024 * 1024;
  std::size_t max_bundle_bytes = 64 * 1024 * 1024;
  BundleLimits bundle_limits;
};

// One take_in in progress: what changed, and the verified YAMLs fetched so far.
struct SyncCycle {
  Manifest manifest;
  std::string etag;
  std::vector<DeploymentRef> changed;
  std::map<std::string, std::string> yamls;  // deploymentId -> verified bytes
  std::size_t next_fetch = 0;
  Callback<void> done;
};

class DesiredStateSync final : public DesiredStateHandler {
 public:
  // `planned` runs after a plan was saved (the reconciler and the status reporter start from it).
  DesiredStateSync(Executor& executor, WfmApi& wfm, PersistedState& state, DeploymentStore& store,
                   const RuntimeRegistry& runtimes, Logger logger, SyncSettings settings,
                   std::function<void()> planned);

  void take_in(const Manifest& manifest, const std::string& etag, Callback<void> done) override;

 private:
  void fetch_bundle();
  void fetch_next_yaml();
  void commit_plan();
  void finish(Status result);
  void plan_changed(AgentState& next, const DeploymentRef& ref, const std::string& yaml);

  Executor& executor_;
  WfmApi& wfm_;
  PersistedState& state_;
  DeploymentStore& store_;
  const RuntimeRegistry& runtimes_;
  Logger logger_;
  SyncSettings settings_;
  std::function<void()> planned_;
  std::optional<SyncCycle> cycle_;
  std::string last_security_event_;
  Lifetime lifetime_;
};

}  // namespace margo
