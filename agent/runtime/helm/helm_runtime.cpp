#include "agent/runtime/helm/helm_runtime.hpp"

#include "agent/runtime/helm/helm_apply.hpp"
#include "agent/runtime/helm/helm_errors.hpp"
#include "agent/runtime/helm/helm_status.hpp"
#include "agent/runtime/helm/release_name.hpp"

namespace margo {
namespace {

constexpr Duration kVersionTimeout = std::chrono::seconds(30);
constexpr std::size_t kVersionTextLimit = 100;

bool command_failed(const ProcessResult& result) {
  return result.exit_code != 0 || result.signal != 0 || result.timed_out;
}

// Wraps a callback so that it does nothing once the runtime is gone.
template <typename F>
auto guarded(const std::shared_ptr<bool>& alive, F f) {
  return [alive = std::weak_ptr<bool>(alive), f = std::move(f)](auto&&... args) mutable {
    if (alive.expired()) return;
    f(std::forward<decltype(args)>(args)...);
  };
}

std::string trimmed(std::string text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  text = text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
  if (text.size() > kVersionTextLimit) text.resize(kVersionTextLimit);
  return text;
}

}  // namespace

HelmRuntime::HelmRuntime(Executor& executor, ProcessRunner& processes, FileSystem& fs, HelmSettings settings,
                         Logger logger)
    : executor_(executor), fs_(fs), logger_(std::move(logger)), cli_(processes, settings) {}

HelmRuntime::~HelmRuntime() = default;

std::string HelmRuntime::runtime_name(const std::string& deployment_id, const std::string& deployment_name,
                                      const std::string& component_name) const {
  return helm_release_name(deployment_id, deployment_name, component_name);
}

template <typename T>
void HelmRuntime::fail_later(Callback<T> done, Error error) {
  executor_.post(guarded(alive_, [done = std::move(done), error = std::move(error)] { done(error); }));
}

void HelmRuntime::apply(const ComponentSpec& spec, Callback<void> done) {
  auto plan = plan_helm_apply(spec, cli_.settings());
  if (!plan) {
    logger_.warn("helm component rejected",
                 {{"component", spec.ref.component_name}, {"error", plan.error().message}});
    return fail_later(std::move(done), plan.error());
  }
  when_ready([this, plan = std::move(plan).value(), done = std::move(done)](Status ready) mutable {
    if (!ready) return done(ready.error());
    run_helm_apply(HelmOperationContext{cli_, fs_, logger_, alive_}, std::move(plan), std::move(done));
  });
}

void HelmRuntime::remove(const ComponentRef& ref, Callback<void> done) {
  auto target = helm_target_of(ref);
  if (!target) return fail_later(std::move(done), target.error());
  when_ready([this, target = *target, done = std::move(done)](Status ready) mutable {
    if (!ready) return done(ready.error());
    const std::vector<LogField> fields{{"release", target.release}, {"namespace", target.namespace_name}};
    logger_.info("uninstalling release", fields);
    cli_.run(helm_uninstall_args(cli_.settings(), target, kUninstallTimeout),
             kUninstallTimeout + cli_.settings().timeout_margin,
             guarded(alive_, [this, target, fields, done = std::move(done)](Result<ProcessResult> result) {
               if (!result) return done(result.error());
               if (is_release_not_found(*result)) {
                 logger_.info("release already absent", fields);
               } else if (command_failed(*result)) {
                 return done(helm_failure(HelmCommand::uninstall, target.release, *result));
               } else {
                 logger_.info("release uninstalled", fields);
               }
               // A values file left behind is harmless (the next apply rewrites it): worth a warning only.
               const std::string values_file = helm_values_file(cli_.settings(), target.release);
               if (Status removed = fs_.remove(values_file); !removed)
                 logger_.warn("cannot delete the values file",
                              {{"file", values_file}, {"error", removed.error().message}});
               done(Status{});
             }));
  });
}

void HelmRuntime::inspect(const ComponentRef& ref, Callback<ComponentObservation> done) {
  auto target = helm_target_of(ref);
  if (!target) return fail_later(std::move(done), target.error());
  when_ready([this, target = *target, done = std::move(done)](Status ready) mutable {
    if (!ready) return done(ready.error());
    cli_.run(helm_status_args(cli_.settings(), target), kHelmQueryTimeout,
             guarded(alive_, [this, target, done = std::move(done)](Result<ProcessResult> result) {
               if (!result) return done(result.error());
               if (is_release_not_found(*result))
                 return done(ComponentObservation{
                     ComponentHealth::missing,
                     "release " + target.release + " not found in namespace " + target.namespace_name});
               if (command_failed(*result))
                 return done(helm_failure(HelmCommand::status, target.release, *result));
               auto release = parse_helm_release(result->stdout_data, "helm status " + target.release);
               if (!release) return done(release.error());
               // Asked often (drift checks): debug, not info.
               logger_.debug("release inspected", {{"release", target.release},
                                                   {"namespace", target.namespace_name},
                                                   {"status", release->status},
                                                   {"revision", std::to_string(release->revision)}});
               done(observe_release(*release));
             }));
  });
}

void HelmRuntime::when_ready(std::function<void(Status)> next) {
  auto proceed = [this, next = std::move(next)](Status version) {
    if (!version) return next(version);
    next(check_kubeconfig());
  };
  if (version_state_ == VersionState::known) {
    executor_.post(guarded(alive_, [proceed = std::move(proceed)]() mutable { proceed(Status{}); }));
    return;
  }
  version_waiters_.push_back(std::move(proceed));
  if (version_state_ == VersionState::probing) return;
  version_state_ = VersionState::probing;
  cli_.run(helm_version_args(), kVersionTimeout,
           guarded(alive_, [this](Result<ProcessResult> result) { on_version(std::move(result)); }));
}

void HelmRuntime::on_version(Result<ProcessResult> result) {
  Status outcome;
  if (!result) {
    outcome = result.error();
  } else if (command_failed(*result)) {
    outcome = helm_failure(HelmCommand::version, "", *result);
  } else {
    version_ = trimmed(result->stdout_data);
    version_state_ = VersionState::known;
    logger_.info("using helm", {{"helm", cli_.settings().helm_path}, {"version", version_}});
    if (version_.rfind("v3.", 0) != 0 && version_.rfind("v4.", 0) != 0)
      logger_.warn("helm version not recognised; expecting helm v3 or v4",
                   {{"helm", cli_.settings().helm_path}, {"version", version_}});
  }
  if (!outcome) {
    version_state_ = VersionState::unknown;  // asked again on the next operation
    logger_.warn("helm is not usable",
                 {{"helm", cli_.settings().helm_path}, {"error", outcome.error().message}});
  }
  auto waiters = std::move(version_waiters_);
  version_waiters_.clear();
  for (auto& waiter : waiters) waiter(outcome);
}

Status HelmRuntime::check_kubeconfig() {
  const std::string& path = cli_.settings().kubeconfig_path;
  if (path.empty()) return {};
  auto info = fs_.stat(path);
  if (!info)
    return retryable_error("runtime.unavailable",
                           "cannot check the kubeconfig " + path + ": " + info.error().message);
  if (!*info)
    return retryable_error("runtime.unavailable",
                           "Kubernetes cluster unreachable: kubeconfig " + path + " does not exist");
  return {};
}

}  // namespace margo
