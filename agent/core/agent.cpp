#include "agent/core/agent.hpp"

#include "agent/core/paths.hpp"

namespace margo {

std::string_view to_string(AgentPhase phase) {
  switch (phase) {
    case AgentPhase::created:
      return "created";
    case AgentPhase::onboarding:
      return "onboarding";
    case AgentPhase::reporting_capabilities:
      return "reporting_capabilities";
    case AgentPhase::polling:
      return "polling";
    case AgentPhase::stopping:
      return "stopping";
    case AgentPhase::stopped:
      return "stopped";
    case AgentPhase::failed:
      return "failed";
  }
  return "unknown";
}

std::string Agent::root_ca_path(const std::string& data_directory) {
  return join_path(data_directory, "wfm-root-ca.pem");
}

Agent::Agent(AgentPorts ports, AgentSettings settings)
    : ports_(ports),
      settings_(std::move(settings)),
      logger_(ports.log_sink, ports.executor, ports.log_level, "agent"),
      store_(ports.fs, settings_.data_directory),
      deployments_(ports.fs, settings_.data_directory),
      runtimes_(ports.runtimes) {}

void Agent::start(std::function<void(const Error&)> on_fatal) {
  on_fatal_ = std::move(on_fatal);
  auto loaded = store_.load();
  if (!loaded) return fail(loaded.error());
  if (loaded->recovered) logger_.error("state file damaged; recovered", {{"detail", *loaded->recovered}});
  logger_.info(loaded->fresh ? "starting with no saved state (first start)" : "state loaded",
               {{"dataDirectory", settings_.data_directory}});
  state_ = std::make_unique<PersistedState>(store_, loaded->state);

  WfmApi* wfm = &ports_.wfm;
  if (settings_.communication.restricted()) {
    const Duration spread = std::min<Duration>(settings_.polling.interval, std::chrono::minutes(1));
    windowed_ = std::make_unique<WindowedWfm>(ports_.executor, ports_.random, ports_.wfm,
                                              CommunicationWindows(settings_.communication),
                                              logger_.named("windows"), spread);
    wfm = windowed_.get();
  }
  onboarding_ = std::make_unique<Onboarding>(
      ports_.executor, ports_.random, ports_.fs, *wfm, *state_, logger_.named("onboarding"),
      OnboardingSettings{settings_.fetch_root_ca, root_ca_path(settings_.data_directory), settings_.retry});
  capabilities_ = std::make_unique<CapabilitiesReporter>(ports_.executor, ports_.random, ports_.fs, *wfm,
                                                         *state_, logger_.named("capabilities"),
                                                         settings_.capabilities_path, settings_.retry);
  reporter_ = std::make_unique<StatusReporter>(ports_.executor, ports_.random, *wfm, *state_,
                                               logger_.named("status"), settings_.retry);
  reconciler_ = std::make_unique<Reconciler>(ports_.executor, ports_.random, *state_, deployments_, runtimes_,
                                             logger_.named("reconciler"), settings_.reconcile,
                                             [this] { state_changed(); });
  monitor_ = std::make_unique<WorkloadMonitor>(ports_.executor, ports_.random, *state_, runtimes_,
                                               *reconciler_, logger_.named("monitor"), settings_.monitor,
                                               [this] { state_changed(); });
  sync_ =
      std::make_unique<DesiredStateSync>(ports_.executor, *wfm, *state_, deployments_, runtimes_,
                                         logger_.named("sync"), settings_.sync, [this] { state_changed(); });
  poller_ = std::make_unique<ManifestPoller>(ports_.executor, ports_.random, *wfm, *state_, *sync_,
                                             logger_.named("poller"), settings_.polling);
  poller_->set_before_poll([this] { capabilities_->check(); });

  // Work left unfinished by the last run goes on at once: it needs the runtimes, not the WFM.
  reconciler_->kick();
  monitor_->start();
  phase_ = AgentPhase::onboarding;
  onboarding_->run(lifetime_.guard([this](Status result) { onboarded(std::move(result)); }));
}

void Agent::onboarded(Status result) {
  if (phase_ != AgentPhase::onboarding) return;
  if (!result) return fail(result.error());
  reporter_->kick();
  phase_ = AgentPhase::reporting_capabilities;
  capabilities_->check(lifetime_.guard([this] { capabilities_settled(); }));
}

void Agent::capabilities_settled() {
  if (phase_ != AgentPhase::reporting_capabilities) return;
  phase_ = AgentPhase::polling;
  poller_->start();
}

void Agent::state_changed() {
  // Called in the middle of a save by the reconciler or the sync: act after they return.
  if (change_pending_) return;
  change_pending_ = true;
  ports_.executor.post(lifetime_.guard([this] {
    change_pending_ = false;
    if (phase_ == AgentPhase::stopping || phase_ == AgentPhase::stopped || phase_ == AgentPhase::failed)
      return;
    reconciler_->kick();
    if (!state_->get().client_id.empty()) reporter_->kick();
  }));
}

void Agent::fail(const Error& error) {
  logger_.fatal("agent stopped", {{"code", error.code}, {"error", error.message}});
  phase_ = AgentPhase::failed;
  if (onboarding_) onboarding_->stop();
  if (capabilities_) capabilities_->stop();
  if (poller_) poller_->stop();
  if (reconciler_) reconciler_->stop();
  if (monitor_) monitor_->stop();
  if (reporter_) reporter_->stop();
  if (windowed_) windowed_->stop();
  if (on_fatal_) {
    auto on_fatal = std::move(on_fatal_);
    on_fatal_ = nullptr;
    on_fatal(error);
  }
}

void Agent::stop(std::function<void()> on_stopped) {
  on_stopped_ = std::move(on_stopped);
  if (phase_ != AgentPhase::failed) phase_ = AgentPhase::stopping;
  logger_.info("stopping");
  if (onboarding_) onboarding_->stop();
  if (capabilities_) capabilities_->stop();
  if (poller_) poller_->stop();
  if (reconciler_) reconciler_->stop();
  if (monitor_) monitor_->stop();
  if (reporter_) reporter_->stop();
  if (windowed_) windowed_->stop();
  wait_until_idle();
}

bool Agent::idle() const {
  return (!onboarding_ || onboarding_->idle()) && (!capabilities_ || capabilities_->idle()) &&
         (!poller_ || poller_->idle()) && (!reconciler_ || reconciler_->idle()) &&
         (!monitor_ || monitor_->idle()) && (!reporter_ || reporter_->idle());
}

void Agent::wait_until_idle() {
  if (!idle()) {
    ports_.executor.schedule_after(settings_.stop_poll, lifetime_.guard([this] { wait_until_idle(); }));
    return;
  }
  if (phase_ != AgentPhase::failed) phase_ = AgentPhase::stopped;
  logger_.info("stopped");
  if (on_stopped_) {
    auto on_stopped = std::move(on_stopped_);
    on_stopped_ = nullptr;
    on_stopped();
  }
}

const PollCounters& Agent::poll_counters() const {
  static const PollCounters kNone;
  return poller_ ? poller_->counters() : kNone;
}

std::size_t Agent::capabilities_reports() const {
  return capabilities_ ? capabilities_->reports_sent() : 0;
}

const StatusReporterCounters& Agent::status_counters() const {
  static const StatusReporterCounters kNone;
  return reporter_ ? reporter_->counters() : kNone;
}

}  // namespace margo
