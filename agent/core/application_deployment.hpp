#pragma once
// One ApplicationDeployment YAML, as the WFM serves it, reduced to what the agent acts on. Both
// generations of the spec are accepted: the deployment id at the top level or in
// metadata.annotations.id, the profile type spelled helm, helm.v3 or compose. Unknown keys and
// x-*-extensions are ignored; what is needed is checked, and a parameter that targets a component the
// profile does not have is an error of this deployment.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"
#include "agent/ports/workload_runtime.hpp"

namespace margo {

struct ComponentDefinition {
  std::string name;
  nlohmann::json properties = nlohmann::json::object();
};

struct ParameterTarget {
  std::string pointer;
  std::vector<std::string> components;
};

struct DeploymentParameter {
  std::string name;
  nlohmann::json value;
  std::vector<ParameterTarget> targets;
};

struct ApplicationDeployment {
  std::string id;
  std::string name;                             // metadata.name
  std::string namespace_name;                   // metadata.namespace; may be empty
  std::string profile_type;                     // "helm" or "compose"
  std::vector<ComponentDefinition> components;  // in install order
  std::vector<DeploymentParameter> parameters;
};

// Errors: deployment.invalid (permanent) naming the field; deployment.id_mismatch when the YAML's id
// is not the deploymentId the manifest listed it under.
Result<ApplicationDeployment> parse_application_deployment(std::string_view yaml,
                                                           std::string_view expected_id);

// The parameter values one component receives: every target that names it, in parameter order.
std::vector<ParameterValue> component_parameters(const ApplicationDeployment& deployment,
                                                 std::string_view component);

}  // namespace margo
