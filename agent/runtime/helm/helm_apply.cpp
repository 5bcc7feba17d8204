#include "agent/runtime/helm/helm_apply.hpp"

#include "agent/runtime/helm/helm_errors.hpp"
#include "agent/runtime/helm/helm_values.hpp"
#include "agent/runtime/helm/release_name.hpp"

namespace margo {
namespace {

bool failed(const ProcessResult& result) {
  return result.exit_code != 0 || result.signal != 0 || result.timed_out;
}

// The apply of one component, from the first `helm status` to the last callback. Holds itself alive
// through the callbacks it hands to the process runner.
class HelmApply : public std::enable_shared_from_this<HelmApply> {
 public:
  HelmApply(HelmOperationContext context, HelmApplyPlan plan, Callback<void> done)
      : context_(std::move(context)), plan_(std::move(plan)), done_(std::move(done)) {}

  void start() {
    context_.cli.run(helm_status_args(context_.cli.settings(), plan_.target), kHelmQueryTimeout,
                     step(&HelmApply::on_status));
  }

 private:
  using Step = void (HelmApply::*)(Result<ProcessResult>);

  // A process completion that reaches this apply only while the runtime still exists.
  Callback<ProcessResult> step(Step next) {
    return [self = shared_from_this(), next](Result<ProcessResult> result) {
      if (self->context_.alive.expired()) return;
      (self.get()->*next)(std::move(result));
    };
  }

  std::vector<LogField> fields() const {
    return {{"release", plan_.target.release},
            {"namespace", plan_.target.namespace_name},
            {"chart", plan_.chart.chart},
            {"version", plan_.chart.version.empty() ? "latest" : plan_.chart.version}};
  }

  Duration process_timeout(Duration helm_timeout) const {
    return helm_timeout + context_.cli.settings().timeout_margin;
  }

  void on_status(Result<ProcessResult> result) {
    if (!result) return done_(result.error());
    std::optional<HelmReleaseStatus> current;
    if (!is_release_not_found(*result)) {
      if (failed(*result)) return done_(helm_failure(HelmCommand::status, plan_.target.release, *result));
      auto parsed = parse_helm_release(result->stdout_data, "helm status " + plan_.target.release);
      if (!parsed) return done_(parsed.error());
      current = std::move(parsed).value();
    }
    switch (decide_helm_apply(current, plan_)) {
      case HelmApplyAction::nothing: {
        auto log = fields();
        log.push_back({"revision", std::to_string(current->revision)});
        context_.logger.info("release already deployed with this chart version and values; nothing to do",
                             std::move(log));
        return done_(Status{});
      }
      case HelmApplyAction::install:
        return upgrade(true);
      case HelmApplyAction::upgrade:
        return upgrade(false);
      case HelmApplyAction::uninstall_then_install: {
        auto log = fields();
        log.push_back({"status", current->status});
        context_.logger.warn("release was left half-installed by an interrupted helm; uninstalling it first",
                             std::move(log));
        return context_.cli.run(
            helm_uninstall_args(context_.cli.settings(), plan_.target, plan_.options.timeout),
            process_timeout(plan_.options.timeout), step(&HelmApply::on_recovery_uninstall));
      }
      case HelmApplyAction::rollback_then_upgrade: {
        auto log = fields();
        log.push_back({"status", current->status});
        log.push_back({"revision", std::to_string(current->revision)});
        context_.logger.warn("release was left mid-upgrade by an interrupted helm; rolling it back first",
                             std::move(log));
        return context_.cli.run(
            helm_rollback_args(context_.cli.settings(), plan_.target, plan_.options.timeout),
            process_timeout(plan_.options.timeout), step(&HelmApply::on_rollback));
      }
    }
  }

  void on_recovery_uninstall(Result<ProcessResult> result) {
    if (!result) return done_(result.error());
    if (failed(*result) && !is_release_not_found(*result))
      return done_(helm_failure(HelmCommand::uninstall, plan_.target.release, *result));
    upgrade(true);
  }

  void on_rollback(Result<ProcessResult> result) {
    if (!result) return done_(result.error());
    if (failed(*result)) return done_(helm_failure(HelmCommand::rollback, plan_.target.release, *result));
    upgrade(false);
  }

  void upgrade(bool fresh) {
    fresh_ = fresh;
    const std::string& directory = context_.cli.settings().work_directory;
    if (Status made = context_.fs.create_directories(directory, 0700); !made)
      return done_(made.error().with_context("helm work directory"));
    if (Status written = context_.fs.write_file(plan_.values_file, plan_.values_text, 0600); !written)
      return done_(written.error().with_context("values file of release " + plan_.target.release));
    context_.logger.info(fresh ? "installing release" : "upgrading release", fields());
    context_.cli.run(helm_upgrade_args(context_.cli.settings(), plan_.target, plan_.chart, plan_.values_file,
                                       plan_.options),
                     process_timeout(plan_.options.timeout), step(&HelmApply::on_upgrade));
  }

  void on_upgrade(Result<ProcessResult> result) {
    if (!result) return done_(result.error());
    const HelmCommand command = fresh_ ? HelmCommand::install : HelmCommand::upgrade;
    if (failed(*result)) return done_(helm_failure(command, plan_.target.release, *result));
    auto release = parse_helm_release(result->stdout_data, "helm upgrade --install " + plan_.target.release);
    if (!release) return done_(release.error());
    auto log = fields();
    log.push_back({"revision", std::to_string(release->revision)});
    log.push_back({"status", release->status});
    context_.logger.info(fresh_ ? "release installed" : "release upgraded", std::move(log));
    done_(Status{});
  }

  HelmOperationContext context_;
  const HelmApplyPlan plan_;
  Callback<void> done_;
  bool fresh_ = false;  // installing (nothing was there) rather than upgrading
};

}  // namespace

Result<HelmTarget> helm_target_of(const ComponentRef& ref) {
  if (!is_valid_release_name(ref.runtime_name))
    return permanent_error("helm.invalid_release_name",
                           "\"" + ref.runtime_name + "\" is not a valid helm release name (component " +
                               ref.component_name + ")");
  HelmTarget target{ref.runtime_name, ref.namespace_name.empty() ? "default" : ref.namespace_name};
  if (!is_valid_namespace_name(target.namespace_name))
    return permanent_error("helm.invalid_namespace", "metadata.namespace \"" + target.namespace_name +
                                                         "\" is not a valid Kubernetes namespace name");
  return target;
}

std::string helm_values_file(const HelmSettings& settings, const std::string& release) {
  return settings.work_directory + "/" + release + ".values.json";
}

Result<HelmApplyPlan> plan_helm_apply(const ComponentSpec& spec, const HelmSettings& settings) {
  if (settings.work_directory.empty())
    return permanent_error("helm.misconfigured", "the helm runtime has no work directory for values files");
  auto target = helm_target_of(spec.ref);
  if (!target) return target.error();
  auto chart = read_chart_source(spec.properties, spec.ref.component_name);
  if (!chart) return chart.error().with_context("component " + spec.ref.component_name);
  auto options = read_component_options(spec.properties);
  if (!options) return options.error().with_context("component " + spec.ref.component_name);
  auto values = build_helm_values(spec.parameters);
  if (!values) return values.error().with_context("component " + spec.ref.component_name);
  auto text = values_file_text(*values);
  if (!text) return text.error().with_context("component " + spec.ref.component_name);
  HelmApplyPlan plan{std::move(target).value(), std::move(chart).value(), *options,
                     std::move(values).value(), std::move(text).value(),  ""};
  plan.values_file = helm_values_file(settings, plan.target.release);
  return plan;
}

HelmApplyAction decide_helm_apply(const std::optional<HelmReleaseStatus>& current,
                                  const HelmApplyPlan& plan) {
  if (!current || current->status == "uninstalled") return HelmApplyAction::install;
  if (current->status == "pending-install" || current->status == "uninstalling")
    return HelmApplyAction::uninstall_then_install;
  if (is_pending_status(current->status)) return HelmApplyAction::rollback_then_upgrade;
  const bool same_chart = current->chart_name == plan.chart.chart_name &&
                          (plan.chart.version.empty() || current->chart_version == plan.chart.version);
  if (current->status == "deployed" && same_chart && current->config == plan.values)
    return HelmApplyAction::nothing;
  return HelmApplyAction::upgrade;
}

void run_helm_apply(HelmOperationContext context, HelmApplyPlan plan, Callback<void> done) {
  std::make_shared<HelmApply>(std::move(context), std::move(plan), std::move(done))->start();
}

}  // namespace margo
