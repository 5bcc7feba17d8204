#include "agent/core/deployment_record.hpp"

#include <array>

namespace margo {
namespace {

constexpr std::array<std::string_view, 6> kStateNames = {"pending", "installing", "installed",
                                                         "failed",  "removing",   "removed"};

Error invalid_record(const std::string& field, const std::string& reason) {
  return permanent_error("state.invalid", "state field '" + field + "': " + reason);
}

nlohmann::json to_json(const std::optional<StatusError>& error) {
  if (!error) return nullptr;
  return {{"code", error->code}, {"message", error->message}, {"source", error->source}};
}

Result<std::optional<StatusError>> error_from_json(const nlohmann::json& json, const std::string& where) {
  if (json.is_null()) return std::optional<StatusError>();
  if (!json.is_object()) return invalid_record(where, "not an object");
  StatusError error;
  for (auto [key, target] :
       {std::pair{"code", &error.code}, {"message", &error.message}, {"source", &error.source}}) {
    const auto found = json.find(key);
    if (found == json.end() || !found->is_string())
      return invalid_record(where + "." + key, "missing or not a string");
    *target = found->get<std::string>();
  }
  return std::optional<StatusError>(std::move(error));
}

nlohmann::json to_json(const ComponentRecord& component) {
  return {{"name", component.name},
          {"runtimeName", component.runtime_name},
          {"state", to_string(component.state)},
          {"error", to_json(component.error)}};
}

Result<std::string> string_field(const nlohmann::json& json, const char* key, const std::string& where) {
  const auto found = json.find(key);
  if (found == json.end() || !found->is_string())
    return invalid_record(where + "." + key, "missing or not a string");
  return found->get<std::string>();
}

Result<std::optional<std::string>> optional_string(const nlohmann::json& json, const char* key,
                                                   const std::string& where) {
  const auto found = json.find(key);
  if (found == json.end()) return invalid_record(where + "." + key, "missing");
  if (found->is_null()) return std::optional<std::string>();
  if (!found->is_string()) return invalid_record(where + "." + key, "not a string or null");
  return std::optional<std::string>(found->get<std::string>());
}

Result<DeploymentState> state_field(const nlohmann::json& json, const std::string& where) {
  auto text = string_field(json, "state", where);
  if (!text) return text.error();
  const auto state = deployment_state_from_string(*text);
  if (!state) return invalid_record(where + ".state", "unknown state '" + *text + "'");
  return *state;
}

Result<std::vector<ComponentRecord>> components_from_json(const nlohmann::json& json, const char* key,
                                                          const std::string& where) {
  const auto list = json.find(key);
  if (list == json.end() || !list->is_array())
    return invalid_record(where + "." + key, "missing or not a list");
  std::vector<ComponentRecord> components;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = where + "." + key + "[" + std::to_string(i) + "]";
    const auto& item = (*list)[i];
    if (!item.is_object()) return invalid_record(at, "not an object");
    ComponentRecord component;
    auto name = string_field(item, "name", at);
    auto runtime_name = string_field(item, "runtimeName", at);
    auto state = state_field(item, at);
    if (!name) return name.error();
    if (!runtime_name) return runtime_name.error();
    if (!state) return state.error();
    auto error = error_from_json(item.value("error", nlohmann::json()), at + ".error");
    if (!error) return error.error();
    components.push_back({*name, *runtime_name, *state, *error});
  }
  return components;
}

}  // namespace

std::string_view to_string(DeploymentState state) {
  return kStateNames[static_cast<std::size_t>(state)];
}

std::optional<DeploymentState> deployment_state_from_string(std::string_view text) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i)
    if (kStateNames[i] == text) return static_cast<DeploymentState>(i);
  return std::nullopt;
}

DeploymentState aggregate_state(const std::vector<ComponentRecord>& components, DeploymentState fallback) {
  if (components.empty()) return fallback;
  // Severity order of the spec; removed counts only when every component is removed.
  constexpr std::array<DeploymentState, 5> kSeverity = {DeploymentState::failed, DeploymentState::removing,
                                                        DeploymentState::installing, DeploymentState::pending,
                                                        DeploymentState::installed};
  for (const auto state : kSeverity)
    for (const auto& component : components)
      if (component.state == state) return state;
  return DeploymentState::removed;
}

nlohmann::json to_json(const DeploymentRecord& record) {
  nlohmann::json components = nlohmann::json::array();
  for (const auto& component : record.components) components.push_back(to_json(component));
  nlohmann::json retired = nlohmann::json::array();
  for (const auto& component : record.retired) retired.push_back(to_json(component));
  return {
      {"id", record.id},
      {"name", record.name},
      {"namespace", record.namespace_name},
      {"profileType", record.profile_type},
      {"desiredDigest", record.desired_digest ? nlohmann::json(*record.desired_digest) : nlohmann::json()},
      {"appliedDigest", record.applied_digest ? nlohmann::json(*record.applied_digest) : nlohmann::json()},
      {"components", components},
      {"retired", retired},
      {"attempts", record.attempts},
      {"blocked", record.blocked},
      {"error", to_json(record.error)},
      {"state", to_string(record.state)}};
}

Result<DeploymentRecord> deployment_record_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return invalid_record("deployments[]", "not an object");
  DeploymentRecord record;
  auto id = string_field(json, "id", "deployments[]");
  if (!id) return id.error();
  record.id = *id;
  const std::string where = "deployments." + record.id;
  for (auto [key, target] : {std::pair{"name", &record.name},
                             {"namespace", &record.namespace_name},
                             {"profileType", &record.profile_type}}) {
    auto value = string_field(json, key, where);
    if (!value) return value.error();
    *target = *value;
  }
  auto desired = optional_string(json, "desiredDigest", where);
  auto applied = optional_string(json, "appliedDigest", where);
  if (!desired) return desired.error();
  if (!applied) return applied.error();
  record.desired_digest = *desired;
  record.applied_digest = *applied;
  auto components = components_from_json(json, "components", where);
  auto retired = components_from_json(json, "retired", where);
  if (!components) return components.error();
  if (!retired) return retired.error();
  record.components = std::move(components).value();
  record.retired = std::move(retired).value();
  const auto attempts = json.find("attempts");
  if (attempts == json.end() || !attempts->is_number_unsigned() ||
      attempts->get<std::uint64_t>() > UINT32_MAX)
    return invalid_record(where + ".attempts", "missing or not a small non-negative integer");
  record.attempts = attempts->get<std::uint32_t>();
  const auto blocked = json.find("blocked");
  if (blocked == json.end() || !blocked->is_boolean())
    return invalid_record(where + ".blocked", "missing or not a boolean");
  record.blocked = blocked->get<bool>();
  auto error = error_from_json(json.value("error", nlohmann::json()), where + ".error");
  if (!error) return error.error();
  record.error = *error;
  auto state = state_field(json, where);
  if (!state) return state.error();
  record.state = *state;
  return record;
}

}  // namespace margo
