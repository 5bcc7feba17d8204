#include "agent/core/workload_monitor.hpp"

#include <algorithm>

#include "agent/core/manifest_acceptance.hpp"
#include "agent/core/status_report.hpp"

namespace margo {
namespace {

// Only a deployment that is settled at its desired revision is watched: anything else is the
// reconciler's business right now.
bool settled(const DeploymentRecord& record) {
  return record.desired_digest && record.applied_digest == record.desired_digest && record.retired.empty();
}

std::optional<StatusError> drift_error(const ComponentObservation& seen, const std::string& component) {
  switch (seen.health) {
    case ComponentHealth::failed:
      return StatusError{"workload.failed", seen.detail.empty() ? "the workload failed" : seen.detail,
                         component};
    case ComponentHealth::missing:
      return StatusError{
          "workload.missing",
          seen.detail.empty() ? "the workload is gone (deleted outside the agent?)" : seen.detail, component};
    case ComponentHealth::running:
    case ComponentHealth::progressing:
      break;
  }
  return std::nullopt;
}

}  // namespace

WorkloadMonitor::WorkloadMonitor(Executor& executor, Random& random, PersistedState& state,
                                 const RuntimeRegistry& runtimes, Reconciler& reconciler, Logger logger,
                                 MonitorSettings settings, std::function<void()> reported)
    : executor_(executor),
      random_(random),
      state_(state),
      runtimes_(runtimes),
      reconciler_(reconciler),
      logger_(std::move(logger)),
      settings_(settings),
      reported_(std::move(reported)) {}

void WorkloadMonitor::start() {
  if (settings_.interval.count() <= 0 || !stopped_) return;
  stopped_ = false;
  schedule_next();
}

void WorkloadMonitor::stop() {
  stopped_ = true;
  executor_.cancel(timer_);
}

void WorkloadMonitor::schedule_next() {
  if (stopped_) return;
  timer_ = executor_.schedule_after(settings_.interval, lifetime_.guard([this] { check(); }));
}

void WorkloadMonitor::check() {
  if (stopped_ || checking_) return;
  pass_.clear();
  next_ = 0;
  for (const auto& [id, record] : state_.get().deployments) {
    if (!settled(record) || reconciler_.working(id) || runtimes_.find(record.profile_type) == nullptr)
      continue;
    for (const auto& component : record.components)
      pass_.push_back(Observation{id, *record.desired_digest, component.name, {}, false});
  }
  checking_ = true;
  inspect_next();
}

void WorkloadMonitor::inspect_next() {
  if (stopped_) {
    checking_ = false;
    return;
  }
  if (next_ == pass_.size()) return settle();
  const Observation& observation = pass_[next_];
  const auto found = state_.get().deployments.find(observation.deployment_id);
  const ComponentRecord* component = nullptr;
  if (found != state_.get().deployments.end())
    for (const auto& c : found->second.components)
      if (c.name == observation.component) component = &c;
  WorkloadRuntime* runtime =
      found == state_.get().deployments.end() ? nullptr : runtimes_.find(found->second.profile_type);
  if (component == nullptr || runtime == nullptr) {
    ++next_;
    return inspect_next();
  }
  const ComponentRef ref{found->second.id, component->name, component->runtime_name,
                         found->second.namespace_name};
  runtime->inspect(ref, lifetime_.guard([this](Result<ComponentObservation> seen) {
    Observation& answered = pass_[next_];
    if (seen) {
      answered.seen = *seen;
      answered.ok = true;
    } else {
      logger_.debug("cannot inspect a component", {{"deploymentId", answered.deployment_id},
                                                   {"component", answered.component},
                                                   {"code", seen.error().code},
                                                   {"error", seen.error().message}});
    }
    ++next_;
    inspect_next();
  }));
}

void WorkloadMonitor::settle() {
  checking_ = false;
  std::map<std::string, std::vector<Observation>> by_deployment;
  for (auto& observation : pass_) by_deployment[observation.deployment_id].push_back(std::move(observation));
  pass_.clear();
  for (const auto& [id, observations] : by_deployment) apply(id, observations);
  schedule_next();
}

void WorkloadMonitor::apply(const std::string& deployment_id, const std::vector<Observation>& observations) {
  const auto found = state_.get().deployments.find(deployment_id);
  // The plan or the reconciler moved on while the runtime answered: what was seen is stale.
  if (found == state_.get().deployments.end() || !settled(found->second) ||
      reconciler_.working(deployment_id) || *found->second.desired_digest != observations.front().digest)
    return;

  AgentState next = state_.get();
  DeploymentRecord& record = next.deployments.at(deployment_id);
  bool changed = false;  // a component's state: reported
  bool drifted = false;  // newly seen: re-deploy after a wait
  bool all_running = true;
  bool unblock = false;
  for (const auto& observation : observations) {
    if (!observation.ok) {
      all_running = false;
      continue;
    }
    auto component = std::find_if(record.components.begin(), record.components.end(),
                                  [&](const ComponentRecord& c) { return c.name == observation.component; });
    if (component == record.components.end()) continue;
    if (const auto error = drift_error(observation.seen, component->name)) {
      all_running = false;
      if (component->state != DeploymentState::failed || component->error != error) {
        drifted = true;
        logger_.warn("workload drifted from what was deployed", {{"deploymentId", deployment_id},
                                                                 {"component", component->name},
                                                                 {"code", error->code},
                                                                 {"detail", error->message}});
        component->state = DeploymentState::failed;
        component->error = error;
        changed = true;
      }
    } else if (observation.seen.health == ComponentHealth::running) {
      if (component->state != DeploymentState::installed) {
        logger_.info("workload running again",
                     {{"deploymentId", deployment_id}, {"component", component->name}});
        component->state = DeploymentState::installed;
        component->error.reset();
        changed = true;
      }
    } else {
      all_running = false;
    }
  }

  if (all_running) {
    // Healthy at the desired revision: attempts used up by earlier drift no longer block it.
    unblock = record.blocked || record.attempts != 0;
    record.blocked = false;
    record.attempts = 0;
  }
  if (!changed && !drifted && !unblock) return;

  record.state = aggregate_state(record.components, record.state);
  const auto first_error = std::find_if(record.components.begin(), record.components.end(),
                                        [](const ComponentRecord& c) { return c.error.has_value(); });
  if (first_error == record.components.end()) {
    record.error.reset();
  } else {
    record.error = first_error->error;
  }
  if (drifted && !reconciler_.busy(deployment_id)) {
    // The reconciler re-deploys the failed components once this wait is over.
    Backoff backoff(settings_.redeploy, random_);
    Duration delay{};
    DriftHistory& history = drifts_[deployment_id];
    if (history.in_a_row != 0 && executor_.now() - history.last >= settings_.forget_drift_after)
      history.in_a_row = 0;
    history.last = executor_.now();
    const std::uint32_t drifts = ++history.in_a_row;
    for (std::uint32_t i = 0; i < std::min<std::uint32_t>(drifts, 30); ++i) delay = backoff.next_delay();
    reconciler_.defer(deployment_id, delay);
    logger_.info("re-deploying after a wait", {{"deploymentId", deployment_id},
                                               {"waitSeconds", std::to_string(delay.count() / 1000)},
                                               {"driftsInARow", std::to_string(drifts)}});
  }
  if (!changed && !unblock) return;
  if (changed) queue_status_report(next, record);
  // A workload back on its own may be what completes the desired state.
  const auto accepted = accept_pending_manifest(next);
  if (auto committed = state_.commit(std::move(next)); !committed) {
    logger_.error("cannot save what the monitor saw; trying again next pass",
                  {{"deploymentId", deployment_id}, {"error", committed.error().message}});
    return;
  }
  if (accepted) logger_.info("desired state accepted", {{"manifestVersion", std::to_string(*accepted)}});
  if (changed && reported_) reported_();
}

}  // namespace margo
