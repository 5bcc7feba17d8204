#pragma once
// How the helm runtime reaches the helm CLI and the cluster (from the agent's config).

#include <chrono>
#include <map>
#include <string>

#include "agent/ports/executor.hpp"

namespace margo {

struct HelmSettings {
  std::string helm_path = "helm";  // a path, or a name looked up in environment["PATH"] (or a default PATH)
  std::string kubeconfig_path;     // runtimes[].kubernetes.kubeconfigPath; empty: helm's own default
  std::string work_directory;      // values files live here (0700; files 0600), under the data directory
  // The helm child's whole environment (HOME, HELM_CACHE_HOME, proxies...); the agent's own never leaks.
  // HELM_CACHE_HOME, HELM_CONFIG_HOME, HELM_DATA_HOME and HOME default to
  // work_directory/helm-home/{cache,config,data,home}.
  std::map<std::string, std::string> environment;
  // Added to a command's --timeout for the process's own time limit: helm gets the chance to time out
  // itself (and mark the release failed) before the agent kills it.
  Duration timeout_margin = std::chrono::seconds(30);
};

}  // namespace margo
