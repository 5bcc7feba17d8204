#pragma once
// A workload runtime deploys one component of an ApplicationDeployment: a Helm chart as a release, or
// a Compose package as a project. The engine calls it once per component, in the listed order.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"

namespace margo {

struct ComponentRef {
  std::string deployment_id;
  std::string component_name;
  std::string runtime_name;    // release or project name, chosen once and stored by the engine
  std::string namespace_name;  // Kubernetes namespace (helm); empty for compose
};

struct ParameterValue {
  std::string pointer;   // helm: dot path into values; compose: environment variable name
  nlohmann::json value;  // string, number, boolean or array
};

struct ComponentSpec {
  ComponentRef ref;
  nlohmann::json properties;  // the component's `properties` object, as received
  std::vector<ParameterValue> parameters;
};

enum class ComponentHealth {
  running,      // deployed and healthy
  progressing,  // deployed, not settled yet
  failed,       // deployed and unhealthy (exited container, failed release)
  missing,      // not there at all (never installed, or deleted by hand)
};

struct ComponentObservation {
  ComponentHealth health = ComponentHealth::missing;
  std::string detail;
};

class WorkloadRuntime {
 public:
  virtual ~WorkloadRuntime() = default;

  // "helm" or "compose": the deploymentProfile type it serves.
  virtual std::string profile_type() const = 0;
  // The release or project name for a component: valid for this runtime, unique per (deployment,
  // component). Asked once, when the component first appears; the engine stores the answer and never
  // asks again, so a change of naming rules cannot orphan what is installed.
  virtual std::string runtime_name(const std::string& deployment_id, const std::string& deployment_name,
                                   const std::string& component_name) const = 0;
  // Installs the component, or upgrades it in place when present. Idempotent.
  virtual void apply(const ComponentSpec& spec, Callback<void> done) = 0;
  // Removes the component. Removing what is not there succeeds.
  virtual void remove(const ComponentRef& ref, Callback<void> done) = 0;
  virtual void inspect(const ComponentRef& ref, Callback<ComponentObservation> done) = 0;
};

}  // namespace margo
