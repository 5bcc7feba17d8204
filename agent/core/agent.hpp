#pragma once
// The agent's lifecycle: load the persisted state, resume unfinished runtime work, onboard (once),
// report capabilities, then poll the desired state, reconcile it and report status until stopped.
// Everything goes through the ports, so the same object runs as the production daemon and inside the
// simulator.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "agent/core/capabilities_reporter.hpp"
#include "agent/core/deployment_store.hpp"
#include "agent/core/desired_state_sync.hpp"
#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/core/manifest_poller.hpp"
#include "agent/core/onboarding.hpp"
#include "agent/core/persisted_state.hpp"
#include "agent/core/reconciler.hpp"
#include "agent/core/runtime_registry.hpp"
#include "agent/core/state_store.hpp"
#include "agent/core/status_reporter.hpp"
#include "agent/core/windowed_wfm.hpp"
#include "agent/core/workload_monitor.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/random.hpp"
#include "agent/ports/wfm_api.hpp"

namespace margo {

struct AgentSettings {
  std::string data_directory;
  std::string capabilities_path;
  bool fetch_root_ca = false;
  PollSettings polling;
  BackoffPolicy retry;  // onboarding, capabilities and status reports
  SyncSettings sync;
  ReconcilerSettings reconcile;
  MonitorSettings monitor;
  // Polling hours and downtime windows (checklist 4, 5): no WFM call outside them.
  CommunicationPolicy communication;
  Duration stop_poll = std::chrono::milliseconds(20);  // how often stop() looks for in-flight work
};

struct AgentPorts {
  Executor& executor;
  Random& random;
  FileSystem& fs;
  WfmApi& wfm;
  std::vector<WorkloadRuntime*> runtimes;  // one per deploymentProfile type this device serves
  LogSink& log_sink;
  LogLevel log_level = LogLevel::info;
};

enum class AgentPhase { created, onboarding, reporting_capabilities, polling, stopping, stopped, failed };
std::string_view to_string(AgentPhase phase);

class Agent {
 public:
  Agent(AgentPorts ports, AgentSettings settings);

  // Starts the lifecycle. `on_fatal` is called once if the agent stops itself: its state cannot be
  // trusted, or the WFM refused onboarding.
  void start(std::function<void(const Error&)> on_fatal);
  // Stops taking new work; `on_stopped` runs once nothing is in flight any more. State is always
  // persisted as it changes, so abandoning in-flight work loses nothing.
  void stop(std::function<void()> on_stopped);

  AgentPhase phase() const { return phase_; }
  const AgentState& state() const { return state_->get(); }
  const PollCounters& poll_counters() const;
  std::size_t capabilities_reports() const;
  const StatusReporterCounters& status_counters() const;

  // The path of the root CA fetched from the WFM (when enabled), inside the data directory.
  static std::string root_ca_path(const std::string& data_directory);

 private:
  void onboarded(Status result);
  void state_changed();
  void capabilities_settled();
  void fail(const Error& error);
  void wait_until_idle();
  bool idle() const;

  AgentPorts ports_;
  AgentSettings settings_;
  Logger logger_;
  StateStore store_;
  DeploymentStore deployments_;
  RuntimeRegistry runtimes_;
  std::unique_ptr<PersistedState> state_;
  std::unique_ptr<WindowedWfm> windowed_;  // between the core and ports_.wfm when windows are set
  std::unique_ptr<Onboarding> onboarding_;
  std::unique_ptr<StatusReporter> reporter_;
  std::unique_ptr<Reconciler> reconciler_;
  std::unique_ptr<WorkloadMonitor> monitor_;
  std::unique_ptr<DesiredStateSync> sync_;
  std::unique_ptr<CapabilitiesReporter> capabilities_;
  std::unique_ptr<ManifestPoller> poller_;
  std::function<void(const Error&)> on_fatal_;
  std::function<void()> on_stopped_;
  AgentPhase phase_ = AgentPhase::created;
  bool change_pending_ = false;
  Lifetime lifetime_;
};

}  // namespace margo
