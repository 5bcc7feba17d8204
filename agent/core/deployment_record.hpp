#pragma once
// What the agent knows about one deployment: what the WFM wants (desired digest, or removal), what is
// installed, each component's state and runtime name, attempts made, and the last error. Persisted in
// the agent state; status reports are built from it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"

namespace margo {

// The states of a DeploymentStatusManifest.
enum class DeploymentState { pending, installing, installed, failed, removing, removed };

std::string_view to_string(DeploymentState state);
std::optional<DeploymentState> deployment_state_from_string(std::string_view text);

struct StatusError {
  std::string code;
  std::string message;
  std::string source;  // metadata.name for a deployment error, the component name for a component error
  bool operator==(const StatusError&) const = default;
};

struct ComponentRecord {
  std::string name;
  std::string runtime_name;  // release or project name, chosen once and kept
  DeploymentState state = DeploymentState::pending;
  std::optional<StatusError> error;
  bool operator==(const ComponentRecord&) const = default;
};

struct DeploymentRecord {
  std::string id;
  std::string name;                           // metadata.name
  std::string namespace_name;                 // metadata.namespace
  std::string profile_type;                   // helm | compose
  std::optional<std::string> desired_digest;  // nullopt: the WFM no longer lists it, remove it
  std::optional<std::string> applied_digest;  // the revision fully installed, if any
  std::vector<ComponentRecord> components;    // of the desired revision, in install order
  std::vector<ComponentRecord> retired;       // of earlier revisions, still to remove from the runtime
  std::uint32_t attempts = 0;                 // failed attempts at the desired revision
  // No attempt at the desired revision can succeed (invalid YAML, attempts used up, no runtime for
  // its type): it stays failed until the WFM sends another digest.
  bool blocked = false;
  std::optional<StatusError> error;  // deployment-level error (e.g. an invalid YAML)
  DeploymentState state = DeploymentState::pending;
  bool operator==(const DeploymentRecord&) const = default;
};

// The overall state by the spec's precedence: failed > removing > installing > pending > installed;
// removed only when every component is removed. `fallback` when there are no components.
DeploymentState aggregate_state(const std::vector<ComponentRecord>& components, DeploymentState fallback);

nlohmann::json to_json(const DeploymentRecord& record);
Result<DeploymentRecord> deployment_record_from_json(const nlohmann::json& json);

}  // namespace margo
