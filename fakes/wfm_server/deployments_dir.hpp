#pragma once
// margo-wfm's initial desired state, read from a directory of ApplicationDeployment YAML files.

#include <string>
#include <vector>

#include "agent/ports/result.hpp"
#include "fakes/wfm/desired_state.hpp"

namespace margo::wfm_server {

// Every *.yaml and *.yml file, in name order, served byte for byte. The deploymentId is the YAML's
// top-level `id`, else `metadata.annotations.id`, else the file name without its extension.
// Errors: deployments.read (directory or file unreadable).
Result<std::vector<fake::DeploymentDocument>> load_deployments_dir(const std::string& directory);

}  // namespace margo::wfm_server
