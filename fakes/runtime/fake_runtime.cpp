#include "fakes/runtime/fake_runtime.hpp"

#include <algorithm>
#include <cctype>

namespace margo::fake {

FakeRuntime::FakeRuntime(Executor& executor, std::string profile_type, FakeRuntimeOptions options)
    : executor_(executor), profile_type_(std::move(profile_type)), options_(options) {}

FakeRuntime::~FakeRuntime() {
  *alive_ = false;
}

std::string FakeRuntime::runtime_name(const std::string& deployment_id, const std::string&,
                                      const std::string& component_name) const {
  std::string name = component_name + "-" + deployment_id.substr(0, 8);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '-'; });
  return name;
}

void FakeRuntime::fail_next(const std::string& operation, const std::string& component_name,
                            std::uint32_t count, Error error) {
  failures_.push_back({operation, component_name, count, std::move(error)});
}

std::optional<Error> FakeRuntime::take_failure(const std::string& operation,
                                               const std::string& component_name) {
  if (unavailable_)
    return retryable_error("runtime.unavailable", profile_type_ + " runtime is not reachable");
  for (auto it = failures_.begin(); it != failures_.end(); ++it) {
    if (it->operation != operation || (!it->component_name.empty() && it->component_name != component_name))
      continue;
    Error error = it->error;
    if (--it->count == 0) failures_.erase(it);
    return error;
  }
  return std::nullopt;
}

void FakeRuntime::record(const std::string& operation, const std::string& runtime_name,
                         const Status& outcome) {
  history_.push_back({executor_.now(), operation, runtime_name, outcome ? "ok" : outcome.error().code});
  if (observer_) observer_(history_.back());
}

void FakeRuntime::apply(const ComponentSpec& spec, Callback<void> done) {
  const auto special = apply_durations_.find(spec.ref.component_name);
  const Duration duration = special == apply_durations_.end() ? options_.apply_duration : special->second;
  executor_.schedule_after(duration, [this, alive = std::weak_ptr<bool>(alive_), spec, done] {
    if (alive.expired()) return;
    Status outcome;
    if (auto failure = take_failure("apply", spec.ref.component_name)) {
      outcome = *failure;
    } else {
      auto& component = installed_[spec.ref.runtime_name];
      component.spec = spec;
      component.health = ComponentHealth::running;
      ++component.applies;
    }
    record("apply", spec.ref.runtime_name, outcome);
    done(outcome);
  });
}

void FakeRuntime::remove(const ComponentRef& ref, Callback<void> done) {
  executor_.schedule_after(options_.remove_duration, [this, alive = std::weak_ptr<bool>(alive_), ref, done] {
    if (alive.expired()) return;
    Status outcome;
    if (auto failure = take_failure("remove", ref.component_name)) {
      outcome = *failure;
    } else {
      installed_.erase(ref.runtime_name);
    }
    record("remove", ref.runtime_name, outcome);
    done(outcome);
  });
}

void FakeRuntime::inspect(const ComponentRef& ref, Callback<ComponentObservation> done) {
  executor_.post([this, alive = std::weak_ptr<bool>(alive_), ref, done] {
    if (alive.expired()) return;
    if (unavailable_)
      return done(retryable_error("runtime.unavailable", profile_type_ + " runtime is not reachable"));
    const auto found = installed_.find(ref.runtime_name);
    if (found == installed_.end())
      return done(ComponentObservation{ComponentHealth::missing, "not installed"});
    done(ComponentObservation{found->second.health, ""});
  });
}

void FakeRuntime::set_health(const std::string& runtime_name, ComponentHealth health) {
  const auto found = installed_.find(runtime_name);
  if (found != installed_.end()) found->second.health = health;
}

std::optional<std::string> FakeRuntime::installed_name(const std::string& deployment_id,
                                                       const std::string& component_name) const {
  for (const auto& [name, component] : installed_)
    if (component.spec.ref.deployment_id == deployment_id &&
        component.spec.ref.component_name == component_name)
      return name;
  return std::nullopt;
}

std::size_t FakeRuntime::successful_applies() const {
  return static_cast<std::size_t>(std::count_if(
      history_.begin(), history_.end(),
      [](const RuntimeOperation& op) { return op.operation == "apply" && op.outcome == "ok"; }));
}

}  // namespace margo::fake
