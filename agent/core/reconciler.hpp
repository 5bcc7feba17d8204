#pragma once
// Brings the runtimes in line with the planned state, one deployment at a time each but every
// deployment independently: a slow or failing one never holds up another, or polling. Installs and
// updates go component by component in the listed order, each success saved at once (after a crash,
// nothing installed is installed twice); a removal goes in reverse order and is recorded only when
// the runtime confirmed it. A retryable failure (an image pull, a download, a busy runtime) is retried
// without end, with capped exponential backoff and full jitter, and each failure is reported. Only a
// permanent or security failure (an invalid deployment, a runtime this device does not have, a bad
// package signature) blocks an install, until the WFM sends a new digest or an operator runs
// `margo-agent retry`; a removal never blocks.
// Every change of a deployment's state queues a status report in the same save.

#include <map>
#include <optional>
#include <string>

#include "agent/core/application_deployment.hpp"
#include "agent/core/backoff.hpp"
#include "agent/core/deployment_store.hpp"
#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/core/persisted_state.hpp"
#include "agent/core/runtime_registry.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/random.hpp"

namespace margo {

struct ReconcilerSettings {
  // Full jitter: each wait is drawn from [0, min(cap, 10 s * 2^failures)); the cap is the config's
  // deployments.maxRetryDelay.
  BackoffPolicy retry{std::chrono::seconds(10), std::chrono::minutes(15), 2.0, 1.0, std::chrono::hours(1)};
};

class Reconciler {
 public:
  // `reported` runs whenever status reports were queued.
  Reconciler(Executor& executor, Random& random, PersistedState& state, DeploymentStore& store,
             const RuntimeRegistry& runtimes, Logger logger, ReconcilerSettings settings,
             std::function<void()> reported);

  // Starts the work every deployment needs that is not running or waiting for a retry.
  void kick();
  void stop();
  bool idle() const { return running_.empty(); }
  // Working on the deployment right now.
  bool working(const std::string& id) const { return running_.count(id) != 0; }
  // Working on the deployment, or waiting to retry it.
  bool busy(const std::string& id) const { return working(id) || waiting_.count(id) != 0; }
  // Holds the deployment's work back for `delay` (the monitor's re-deploy backoff). No effect when busy.
  void defer(const std::string& id, Duration delay);

 private:
  struct Operation {
    std::string deployment_id;
    std::optional<std::string> digest;  // the revision being installed; nullopt for a removal
    ApplicationDeployment spec;         // installs only
    WorkloadRuntime* runtime = nullptr;
  };

  bool needs_work(const DeploymentRecord& record) const;
  void start_install(const DeploymentRecord& record);
  void start_removal(const DeploymentRecord& record);
  void install_next(const std::string& id);
  void remove_next(const std::string& id);
  void finish_install(const std::string& id);
  void finish_removal(const std::string& id);
  // The operation's deployment as it is now, or null when the plan moved on under it.
  const DeploymentRecord* current(const std::string& id) const;
  void fail(const std::string& id, const std::string& component, const Error& error);
  // Saves `next` with the record's new state; queues a report when `report` is set.
  bool save(AgentState next, const std::string& id, bool report);
  ComponentRef ref_of(const DeploymentRecord& record, const ComponentRecord& component) const;
  void retry_later(const std::string& id, const Error& error);
  void end(const std::string& id);

  Executor& executor_;
  Random& random_;
  PersistedState& state_;
  DeploymentStore& store_;
  const RuntimeRegistry& runtimes_;
  Logger logger_;
  ReconcilerSettings settings_;
  std::function<void()> reported_;
  std::map<std::string, Operation> running_;
  std::map<std::string, Executor::TimerId> waiting_;
  std::map<std::string, std::uint32_t> failures_;  // consecutive, for the backoff (in memory only)
  bool stopped_ = false;
  Lifetime lifetime_;
};

}  // namespace margo
