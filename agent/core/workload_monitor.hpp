#pragma once
// Watches what is installed: every interval it asks the runtimes how each component of each settled
// deployment is doing. A workload that exited, failed or was deleted by hand turns its component
// `failed` (with the runtime's words as the error) and is reported; the reconciler re-deploys it after
// a backoff that grows while the drift repeats, never in a tight loop. A workload that comes back by
// itself is reported `installed` again.

#include <map>
#include <string>
#include <vector>

#include "agent/core/backoff.hpp"
#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/core/persisted_state.hpp"
#include "agent/core/reconciler.hpp"
#include "agent/core/runtime_registry.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/random.hpp"

namespace margo {

struct MonitorSettings {
  Duration interval = std::chrono::seconds(30);  // zero: monitoring off
  // The wait before re-deploying a drifted deployment, growing with each drift in a row.
  BackoffPolicy redeploy{std::chrono::seconds(30), std::chrono::minutes(30), 2.0, 0.2, std::chrono::hours(1)};
  // A drift this long after the previous one of its deployment starts the backoff from the beginning.
  Duration forget_drift_after = std::chrono::hours(1);
};

class WorkloadMonitor {
 public:
  // `reported` runs whenever status reports were queued.
  WorkloadMonitor(Executor& executor, Random& random, PersistedState& state, const RuntimeRegistry& runtimes,
                  Reconciler& reconciler, Logger logger, MonitorSettings settings,
                  std::function<void()> reported);

  void start();
  void stop();
  bool idle() const { return !checking_; }

 private:
  struct Observation {
    std::string deployment_id;
    std::string digest;
    std::string component;
    ComponentObservation seen;
    bool ok = false;  // the runtime answered
  };

  void check();
  void inspect_next();
  void settle();
  void apply(const std::string& deployment_id, const std::vector<Observation>& observations);
  void schedule_next();

  Executor& executor_;
  Random& random_;
  PersistedState& state_;
  const RuntimeRegistry& runtimes_;
  Reconciler& reconciler_;
  Logger logger_;
  MonitorSettings settings_;
  std::function<void()> reported_;
  std::vector<Observation> pass_;  // the components of the current pass, answered in order
  std::size_t next_ = 0;
  bool checking_ = false;
  bool stopped_ = true;
  Executor::TimerId timer_ = 0;
  struct DriftHistory {
    std::uint32_t in_a_row = 0;
    MonoTime last{};
  };
  std::map<std::string, DriftHistory> drifts_;  // per deployment (memory only)
  Lifetime lifetime_;
};

}  // namespace margo
