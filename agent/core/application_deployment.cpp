#include "agent/core/application_deployment.hpp"

#include <algorithm>
#include <set>

#include "agent/core/yaml_to_json.hpp"

namespace margo {
namespace {

Error invalid_deployment(const std::string& field, const std::string& reason) {
  return permanent_error("deployment.invalid", "ApplicationDeployment " + field + ": " + reason);
}

const nlohmann::json* member(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

// Component names become parts of release and project names: keep them to a safe alphabet.
bool is_component_name(const std::string& name) {
  return !name.empty() && name.size() <= 63 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

Result<std::string> deployment_id(const nlohmann::json& document) {
  const auto* top = member(document, "id");
  const auto* annotated =
      member(document, "metadata") ? member(*member(document, "metadata"), "annotations") : nullptr;
  const auto* nested = annotated ? member(*annotated, "id") : nullptr;
  if (top && !top->is_string()) return invalid_deployment("id", "not a string");
  if (nested && !nested->is_string()) return invalid_deployment("metadata.annotations.id", "not a string");
  if (top && nested && *top != *nested)
    return invalid_deployment("id", "top-level id and metadata.annotations.id disagree");
  if (top) return top->get<std::string>();
  if (nested) return nested->get<std::string>();
  return invalid_deployment("id", "missing (neither id nor metadata.annotations.id)");
}

Result<std::vector<ComponentDefinition>> components(const nlohmann::json& profile) {
  const auto* list = member(profile, "components");
  if (!list || !list->is_array() || list->empty())
    return invalid_deployment("spec.deploymentProfile.components", "missing or empty");
  std::vector<ComponentDefinition> result;
  std::set<std::string> names;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "spec.deploymentProfile.components[" + std::to_string(i) + "]";
    const auto& item = (*list)[i];
    const auto* name = member(item, "name");
    if (!name || !name->is_string()) return invalid_deployment(where + ".name", "missing or not a string");
    const std::string component = name->get<std::string>();
    if (!is_component_name(component))
      return invalid_deployment(
          where + ".name", "'" + component.substr(0, 80) + "' must be 1-63 letters, digits, '-', '_' or '.'");
    if (!names.insert(component).second)
      return invalid_deployment(where + ".name", "'" + component + "' is listed twice");
    const auto* properties = member(item, "properties");
    if (properties && !properties->is_object() && !properties->is_null())
      return invalid_deployment(where + ".properties", "not a mapping");
    result.push_back(
        {component, properties && properties->is_object() ? *properties : nlohmann::json::object()});
  }
  return result;
}

Result<std::vector<DeploymentParameter>> parameters(const nlohmann::json& spec,
                                                    const std::vector<ComponentDefinition>& components) {
  std::vector<DeploymentParameter> result;
  const auto* map = member(spec, "parameters");
  if (!map || map->is_null()) return result;
  if (!map->is_object()) return invalid_deployment("spec.parameters", "not a mapping");
  for (const auto& [name, definition] : map->items()) {
    const std::string where = "spec.parameters." + name;
    const auto* value = member(definition, "value");
    const auto* targets = member(definition, "targets");
    if (!value) return invalid_deployment(where + ".value", "missing");
    if (value->is_object()) return invalid_deployment(where + ".value", "must be a scalar or a list");
    if (!targets || !targets->is_array())
      return invalid_deployment(where + ".targets", "missing or not a list");
    DeploymentParameter parameter{name, *value, {}};
    for (std::size_t t = 0; t < targets->size(); ++t) {
      const std::string target_where = where + ".targets[" + std::to_string(t) + "]";
      const auto* pointer = member((*targets)[t], "pointer");
      const auto* named = member((*targets)[t], "components");
      if (!pointer || !pointer->is_string() || pointer->get<std::string>().empty())
        return invalid_deployment(target_where + ".pointer", "missing or empty");
      if (!named || !named->is_array() || named->empty())
        return invalid_deployment(target_where + ".components", "missing or empty");
      ParameterTarget target{pointer->get<std::string>(), {}};
      for (const auto& component : *named) {
        if (!component.is_string())
          return invalid_deployment(target_where + ".components", "not a list of names");
        const std::string wanted = component.get<std::string>();
        const bool known = std::any_of(components.begin(), components.end(),
                                       [&](const ComponentDefinition& c) { return c.name == wanted; });
        if (!known)
          return invalid_deployment(
              target_where + ".components",
              "names component '" + wanted.substr(0, 80) + "', which the deployment profile does not have");
        target.components.push_back(wanted);
      }
      parameter.targets.push_back(std::move(target));
    }
    result.push_back(std::move(parameter));
  }
  return result;
}

}  // namespace

Result<ApplicationDeployment> parse_application_deployment(std::string_view yaml,
                                                           std::string_view expected_id) {
  auto document = parse_yaml_as_json(yaml);
  if (!document) return invalid_deployment("document", document.error().message);
  if (!document->is_object()) return invalid_deployment("document", "not a mapping");

  ApplicationDeployment deployment;
  auto id = deployment_id(*document);
  if (!id) return id.error();
  if (*id != expected_id)
    return permanent_error("deployment.id_mismatch",
                           "ApplicationDeployment id '" + id->substr(0, 80) + "' is not the deploymentId '" +
                               std::string(expected_id) + "' the manifest lists it under");
  deployment.id = *id;

  if (const auto* kind = member(*document, "kind"); kind && *kind != "ApplicationDeployment")
    return invalid_deployment("kind", "not ApplicationDeployment");
  const auto* metadata = member(*document, "metadata");
  const auto* name = metadata ? member(*metadata, "name") : nullptr;
  if (!name || !name->is_string() || name->get<std::string>().empty())
    return invalid_deployment("metadata.name", "missing or empty");
  deployment.name = name->get<std::string>();
  if (const auto* ns = member(*metadata, "namespace"); ns && !ns->is_null()) {
    if (!ns->is_string()) return invalid_deployment("metadata.namespace", "not a string");
    deployment.namespace_name = ns->get<std::string>();
  }

  const auto* spec = member(*document, "spec");
  const auto* profile = spec ? member(*spec, "deploymentProfile") : nullptr;
  if (!profile || !profile->is_object()) return invalid_deployment("spec.deploymentProfile", "missing");
  const auto* type = member(*profile, "type");
  if (!type || !type->is_string()) return invalid_deployment("spec.deploymentProfile.type", "missing");
  const std::string type_name = type->get<std::string>();
  if (type_name == "helm" || type_name == "helm.v3") {
    deployment.profile_type = "helm";
  } else if (type_name == "compose") {
    deployment.profile_type = "compose";
  } else {
    return invalid_deployment("spec.deploymentProfile.type",
                              "'" + type_name.substr(0, 80) + "' is not helm, helm.v3 or compose");
  }

  auto listed = components(*profile);
  if (!listed) return listed.error();
  deployment.components = std::move(listed).value();
  auto values = parameters(*spec, deployment.components);
  if (!values) return values.error();
  deployment.parameters = std::move(values).value();
  return deployment;
}

std::vector<ParameterValue> component_parameters(const ApplicationDeployment& deployment,
                                                 std::string_view component) {
  std::vector<ParameterValue> values;
  for (const auto& parameter : deployment.parameters)
    for (const auto& target : parameter.targets)
      if (std::find(target.components.begin(), target.components.end(), component) != target.components.end())
        values.push_back({target.pointer, parameter.value});
  return values;
}

}  // namespace margo
