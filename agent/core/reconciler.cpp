#include "agent/core/reconciler.hpp"

#include <algorithm>

#include "agent/core/manifest_acceptance.hpp"
#include "agent/core/status_report.hpp"

namespace margo {
namespace {

constexpr std::string_view kRuntimeUnavailable = "runtime.unavailable";
constexpr std::string_view kNoRuntime = "runtime.not_configured";

ComponentRecord* find_component(DeploymentRecord& record, const std::string& name) {
  for (auto* list : {&record.components, &record.retired})
    for (auto& component : *list)
      if (component.name == name) return &component;
  return nullptr;
}

}  // namespace

Reconciler::Reconciler(Executor& executor, Random& random, PersistedState& state, DeploymentStore& store,
                       const RuntimeRegistry& runtimes, Logger logger, ReconcilerSettings settings,
                       std::function<void()> reported)
    : executor_(executor),
      random_(random),
      state_(state),
      store_(store),
      runtimes_(runtimes),
      logger_(std::move(logger)),
      settings_(settings),
      reported_(std::move(reported)) {}

bool Reconciler::needs_work(const DeploymentRecord& record) const {
  if (running_.count(record.id) || waiting_.count(record.id)) return false;
  if (!record.desired_digest) return true;
  if (record.blocked) return false;
  if (record.applied_digest != record.desired_digest || !record.retired.empty()) return true;
  return std::any_of(record.components.begin(), record.components.end(),
                     [](const ComponentRecord& c) { return c.state != DeploymentState::installed; });
}

void Reconciler::kick() {
  if (stopped_) return;
  std::vector<std::string> ready;
  for (const auto& [id, record] : state_.get().deployments)
    if (needs_work(record)) ready.push_back(id);
  for (const auto& id : ready) {
    // Starting one deployment saves state, which may have started another already.
    const auto found = state_.get().deployments.find(id);
    if (found == state_.get().deployments.end() || !needs_work(found->second)) continue;
    if (found->second.desired_digest) {
      start_install(found->second);
    } else {
      start_removal(found->second);
    }
  }
}

void Reconciler::stop() {
  stopped_ = true;
  for (const auto& [id, timer] : waiting_) executor_.cancel(timer);
  waiting_.clear();
}

const DeploymentRecord* Reconciler::current(const std::string& id) const {
  const auto operation = running_.find(id);
  const auto found = state_.get().deployments.find(id);
  if (operation == running_.end() || found == state_.get().deployments.end()) return nullptr;
  if (found->second.desired_digest != operation->second.digest) return nullptr;
  return &found->second;
}

ComponentRef Reconciler::ref_of(const DeploymentRecord& record, const ComponentRecord& component) const {
  return ComponentRef{record.id, component.name, component.runtime_name, record.namespace_name};
}

bool Reconciler::save(AgentState next, const std::string& id, bool report) {
  if (report && next.deployments.count(id)) queue_status_report(next, next.deployments.at(id));
  // The save that completes the desired state also accepts its manifest (checklist 58).
  const auto accepted = accept_pending_manifest(next);
  if (auto committed = state_.commit(std::move(next)); !committed) {
    logger_.error("cannot save the deployment state; retrying later",
                  {{"deploymentId", id}, {"error", committed.error().message}});
    end(id);
    retry_later(id, committed.error());
    return false;
  }
  if (accepted) logger_.info("desired state accepted", {{"manifestVersion", std::to_string(*accepted)}});
  if (report && reported_) reported_();
  return true;
}

void Reconciler::end(const std::string& id) {
  running_.erase(id);
}

void Reconciler::start_install(const DeploymentRecord& record) {
  const std::string id = record.id;
  Operation operation{id, record.desired_digest, {}, runtimes_.find(record.profile_type)};
  running_[id] = operation;
  if (operation.runtime == nullptr)
    return fail(id, "",
                permanent_error(std::string(kNoRuntime), "no runtime for deployment profile type '" +
                                                             record.profile_type + "' is configured"));
  auto yaml = store_.load(id, *record.desired_digest);
  if (!yaml) return fail(id, "", yaml.error().with_context("stored ApplicationDeployment"));
  auto spec = parse_application_deployment(*yaml, id);
  if (!spec) return fail(id, "", spec.error());
  running_[id].spec = std::move(spec).value();

  // Waiting for a runtime that is not up yet: each try is not news for the WFM.
  if (record.error && record.error->code == kRuntimeUnavailable && record.state == DeploymentState::pending)
    return install_next(id);
  AgentState next = state_.get();
  DeploymentRecord& planned = next.deployments.at(id);
  for (auto& component : planned.components)
    if (component.state != DeploymentState::installed) {
      component.state = DeploymentState::installing;
      component.error.reset();
    }
  planned.state = DeploymentState::installing;
  planned.error.reset();
  logger_.info(planned.applied_digest ? "updating deployment" : "installing deployment",
               {{"deploymentId", id},
                {"digest", *planned.desired_digest},
                {"attempt", std::to_string(planned.attempts + 1)}});
  if (save(std::move(next), id, true)) install_next(id);
}

void Reconciler::install_next(const std::string& id) {
  const DeploymentRecord* record = current(id);
  if (record == nullptr) {
    end(id);
    return kick();
  }
  Operation& operation = running_.at(id);
  const auto pending =
      std::find_if(record->components.begin(), record->components.end(),
                   [](const ComponentRecord& c) { return c.state != DeploymentState::installed; });
  if (pending != record->components.end()) {
    const auto definition =
        std::find_if(operation.spec.components.begin(), operation.spec.components.end(),
                     [&](const ComponentDefinition& d) { return d.name == pending->name; });
    if (definition == operation.spec.components.end())
      return fail(id, pending->name,
                  permanent_error("deployment.invalid",
                                  "component " + pending->name + " is not in the stored revision"));
    const std::string name = pending->name;
    ComponentSpec spec{ref_of(*record, *pending), definition->properties,
                       component_parameters(operation.spec, name)};
    operation.runtime->apply(spec, lifetime_.guard([this, id, name](Status applied) {
      if (stopped_) return end(id);
      if (current(id) == nullptr) {
        end(id);
        return kick();
      }
      if (!applied) return fail(id, name, applied.error());
      AgentState next = state_.get();
      ComponentRecord* component = find_component(next.deployments.at(id), name);
      component->state = DeploymentState::installed;
      component->error.reset();
      logger_.info("component installed", {{"deploymentId", id}, {"component", name}});
      if (save(std::move(next), id, false)) install_next(id);
    }));
    return;
  }
  if (!record->retired.empty()) {
    const ComponentRecord retired = record->retired.front();
    operation.runtime->remove(ref_of(*record, retired), lifetime_.guard([this, id, retired](Status removed) {
      if (stopped_) return end(id);
      if (current(id) == nullptr) {
        end(id);
        return kick();
      }
      if (!removed) return fail(id, retired.name, removed.error());
      AgentState next = state_.get();
      auto& list = next.deployments.at(id).retired;
      list.erase(
          std::remove_if(list.begin(), list.end(), [&](const auto& c) { return c.name == retired.name; }),
          list.end());
      logger_.info("component of an earlier revision removed",
                   {{"deploymentId", id}, {"component", retired.name}});
      if (save(std::move(next), id, false)) install_next(id);
    }));
    return;
  }
  finish_install(id);
}

void Reconciler::finish_install(const std::string& id) {
  AgentState next = state_.get();
  DeploymentRecord& record = next.deployments.at(id);
  record.applied_digest = record.desired_digest;
  record.state = DeploymentState::installed;
  record.error.reset();
  record.attempts = 0;
  const std::string digest = *record.desired_digest;
  logger_.info("deployment installed", {{"deploymentId", id}, {"digest", digest}});
  if (!save(std::move(next), id, true)) return;
  store_.prune(id, digest);
  failures_.erase(id);
  end(id);
}

void Reconciler::start_removal(const DeploymentRecord& record) {
  const std::string id = record.id;
  running_[id] = Operation{id, std::nullopt, {}, runtimes_.find(record.profile_type)};
  if (record.state == DeploymentState::removing) return remove_next(id);
  AgentState next = state_.get();
  DeploymentRecord& removing = next.deployments.at(id);
  for (auto* list : {&removing.components, &removing.retired})
    for (auto& component : *list)
      if (component.state != DeploymentState::removed) {
        component.state = DeploymentState::removing;
        component.error.reset();
      }
  removing.state = DeploymentState::removing;
  removing.error.reset();
  logger_.info("removing deployment", {{"deploymentId", id}});
  if (save(std::move(next), id, true)) remove_next(id);
}

void Reconciler::remove_next(const std::string& id) {
  const DeploymentRecord* record = current(id);
  if (record == nullptr) {
    end(id);
    return kick();
  }
  // Components in reverse install order, then what is left of earlier revisions.
  const ComponentRecord* target = nullptr;
  for (auto it = record->components.rbegin(); it != record->components.rend() && !target; ++it)
    if (it->state != DeploymentState::removed) target = &*it;
  for (const auto& retired : record->retired)
    if (!target && retired.state != DeploymentState::removed) target = &retired;
  if (target == nullptr) return finish_removal(id);

  const std::string name = target->name;
  WorkloadRuntime* runtime = running_.at(id).runtime;
  const auto removed_one = [this, id, name] {
    AgentState next = state_.get();
    find_component(next.deployments.at(id), name)->state = DeploymentState::removed;
    find_component(next.deployments.at(id), name)->error.reset();
    if (save(std::move(next), id, false)) remove_next(id);
  };
  // Without a runtime of its type on this device, nothing of it can have been installed here.
  if (runtime == nullptr) return removed_one();
  runtime->remove(ref_of(*record, *target), lifetime_.guard([this, id, name, removed_one](Status removed) {
    if (stopped_) return end(id);
    if (current(id) == nullptr) {
      end(id);
      return kick();
    }
    if (!removed) return fail(id, name, removed.error());
    logger_.info("component removed", {{"deploymentId", id}, {"component", name}});
    removed_one();
  }));
}

void Reconciler::finish_removal(const std::string& id) {
  AgentState next = state_.get();
  DeploymentRecord record = next.deployments.at(id);
  record.state = DeploymentState::removed;
  record.error.reset();
  record.retired.clear();
  // The `removed` report and forgetting the deployment go into one save: neither happens alone.
  queue_status_report(next, record);
  next.deployments.erase(id);
  logger_.info("deployment removed", {{"deploymentId", id}});
  if (!save(std::move(next), id, false)) return;
  if (reported_) reported_();
  store_.prune(id);
  failures_.erase(id);
  end(id);
}

void Reconciler::fail(const std::string& id, const std::string& component, const Error& error) {
  AgentState next = state_.get();
  DeploymentRecord& record = next.deployments.at(id);
  // A runtime that is not up yet (the engine starts after the agent) is waited for: the deployment
  // stays pending (removing) with the error, is reported once, and the wait costs no attempt.
  const bool unavailable = error.code == kRuntimeUnavailable;
  if (!unavailable) ++record.attempts;
  const DeploymentState state = !unavailable            ? DeploymentState::failed
                                : record.desired_digest ? DeploymentState::pending
                                                        : DeploymentState::removing;
  const std::string source = component.empty() ? (record.name.empty() ? record.id : record.name) : component;
  const StatusError status{error.code, error.message, source};
  const bool repeated = unavailable && record.state == state && record.error == status;
  if (ComponentRecord* failed = component.empty() ? nullptr : find_component(record, component)) {
    failed->state = state;
    failed->error = status;
  }
  record.error = status;
  record.state = state;
  // An install gives up only when trying again cannot help (the deployment, the device or the package is
  // wrong); a removal never does: what the WFM no longer wants must not stay behind.
  if (record.desired_digest && !error.retryable()) record.blocked = true;
  const bool blocked = record.blocked;
  const std::uint32_t attempts = record.attempts;
  if (repeated) {
    logger_.debug("runtime still unavailable", {{"deploymentId", id}, {"error", error.message}});
  } else {
    logger_.warn(unavailable ? "runtime unavailable; waiting for it"
                 : blocked   ? "deployment failed for good; waiting for a new revision from the WFM or "
                               "'margo-agent retry " +
                                 id + "'"
                           : "deployment failed; retrying",
                 {{"deploymentId", id},
                  {"component", component},
                  {"code", error.code},
                  {"error", error.message},
                  {"attempts", std::to_string(attempts)}});
    if (!save(std::move(next), id, true)) return;
  }
  end(id);
  if (!blocked) retry_later(id, error);
}

void Reconciler::defer(const std::string& id, Duration delay) {
  if (stopped_ || busy(id)) return;
  waiting_[id] = executor_.schedule_after(delay, lifetime_.guard([this, id] {
    waiting_.erase(id);
    kick();
  }));
}

void Reconciler::retry_later(const std::string& id, const Error& error) {
  if (stopped_ || waiting_.count(id)) return;
  const std::uint32_t failures = ++failures_[id];
  Backoff backoff(settings_.retry, random_);
  Duration delay{};
  for (std::uint32_t i = 0; i < std::min<std::uint32_t>(failures, 30); ++i)
    delay = backoff.next_delay(error.retry_after);
  waiting_[id] = executor_.schedule_after(delay, lifetime_.guard([this, id] {
    waiting_.erase(id);
    kick();
  }));
}

}  // namespace margo
