#include "agent/runtime/compose/compose_file.hpp"

#include "agent/core/yaml_to_json.hpp"

namespace margo {
namespace {

bool asks_for_zero_replicas(const nlohmann::json& service) {
  const auto is_zero = [](const nlohmann::json& value) {
    return (value.is_number_integer() && value.get<long long>() == 0) || (value.is_string() && value == "0");
  };
  if (const auto scale = service.find("scale"); scale != service.end() && is_zero(*scale)) return true;
  if (const auto deploy = service.find("deploy"); deploy != service.end() && deploy->is_object()) {
    if (const auto replicas = deploy->find("replicas"); replicas != deploy->end() && is_zero(*replicas))
      return true;
  }
  return false;
}

}  // namespace

Result<std::vector<std::string>> started_services(std::string_view compose_yaml) {
  auto document = parse_yaml_as_json(compose_yaml);
  if (!document)
    return permanent_error("compose.invalid_file", "compose file is not YAML: " + document.error().message);
  const auto services = document->is_object() ? document->find("services") : document->end();
  if (!document->is_object() || services == document->end() || !services->is_object())
    return permanent_error("compose.invalid_file", "compose file has no `services` mapping");
  std::vector<std::string> names;
  for (const auto& [name, service] : services->items()) {
    if (service.is_object()) {
      const auto profiles = service.find("profiles");
      if (profiles != service.end() && profiles->is_array() && !profiles->empty()) continue;
      if (asks_for_zero_replicas(service)) continue;
    }
    names.push_back(name);
  }
  return names;
}

}  // namespace margo
