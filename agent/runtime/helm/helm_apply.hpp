#pragma once
// One apply of a helm component: look at the release, repair what an interrupted helm left behind,
// then `helm upgrade --install` unless the release already is what is wanted.
//
//   release                                   action
//   not found, or uninstalled (kept history)  install
//   pending-install, uninstalling             uninstall, then install (a crash mid-install left it;
//                                             helm refuses to upgrade it)
//   pending-upgrade, pending-rollback         rollback to the previous revision, then upgrade
//   deployed, same chart, version and values  nothing (the chart is not pulled again)
//   anything else (deployed but different,    upgrade
//   failed, superseded)

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "agent/core/logger.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/workload_runtime.hpp"
#include "agent/runtime/component_options.hpp"
#include "agent/runtime/helm/chart_source.hpp"
#include "agent/runtime/helm/helm_arguments.hpp"
#include "agent/runtime/helm/helm_cli.hpp"
#include "agent/runtime/helm/helm_status.hpp"

namespace margo {

// The release and namespace of a component (namespace "default" when metadata.namespace is empty).
// Errors (permanent): helm.invalid_release_name, helm.invalid_namespace.
Result<HelmTarget> helm_target_of(const ComponentRef& ref);

// <work_directory>/<release>.values.json
std::string helm_values_file(const HelmSettings& settings, const std::string& release);

// Everything apply needs, checked before helm runs: a bad property or parameter fails at once.
struct HelmApplyPlan {
  HelmTarget target;
  ChartSource chart;
  ComponentOptions options;
  nlohmann::json values;
  std::string values_text;  // the values file's content
  std::string values_file;
};

// Errors (permanent): those of helm_target_of, component.invalid_property, component.invalid_parameter,
// helm.misconfigured (no work directory).
Result<HelmApplyPlan> plan_helm_apply(const ComponentSpec& spec, const HelmSettings& settings);

enum class HelmApplyAction { install, upgrade, nothing, uninstall_then_install, rollback_then_upgrade };

// The table above; `current` is nullopt when helm said "release: not found".
HelmApplyAction decide_helm_apply(const std::optional<HelmReleaseStatus>& current, const HelmApplyPlan& plan);

struct HelmOperationContext {
  HelmCli& cli;
  FileSystem& fs;
  const Logger& logger;
  std::weak_ptr<void> alive;  // expires with the runtime: completions arriving later are dropped
};

// Runs the apply; `done` is called exactly once, from a process completion (never inline).
void run_helm_apply(HelmOperationContext context, HelmApplyPlan plan, Callback<void> done);

}  // namespace margo
