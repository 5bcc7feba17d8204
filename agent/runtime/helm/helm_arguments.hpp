#pragma once
// The helm command lines the runtime runs (without the program itself). Every command that touches
// the cluster names the namespace and the kubeconfig explicitly, so nothing depends on helm's
// defaults or on an environment variable.

#include <string>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/runtime/component_options.hpp"
#include "agent/runtime/helm/chart_source.hpp"
#include "agent/runtime/helm/helm_settings.hpp"

namespace margo {

struct HelmTarget {
  std::string release;
  std::string namespace_name;
};

// Go's time.Duration format, which helm's --timeout parses: 5m0s, 1h0m0s, 1m30.5s, 500ms, 0s.
std::string go_duration(Duration duration);

std::vector<std::string> helm_version_args();
// status RELEASE --namespace NS [--kubeconfig K] -o json
std::vector<std::string> helm_status_args(const HelmSettings& settings, const HelmTarget& target);
// upgrade --install RELEASE CHART --namespace NS --create-namespace [--kubeconfig K] --values F
//   [--repo URL] [--version V] [--wait] --timeout T -o json
std::vector<std::string> helm_upgrade_args(const HelmSettings& settings, const HelmTarget& target,
                                           const ChartSource& chart, const std::string& values_file,
                                           const ComponentOptions& options);
// rollback RELEASE --namespace NS [--kubeconfig K] --timeout T: back to the revision before the
// interrupted one.
std::vector<std::string> helm_rollback_args(const HelmSettings& settings, const HelmTarget& target,
                                            Duration timeout);
// uninstall RELEASE --namespace NS [--kubeconfig K] --wait --timeout T
std::vector<std::string> helm_uninstall_args(const HelmSettings& settings, const HelmTarget& target,
                                             Duration timeout);

}  // namespace margo
