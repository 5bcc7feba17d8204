#include "fakes/wfm/payload_checks.hpp"

#include <array>
#include <nlohmann/json.hpp>

namespace margo::fake {
namespace {

using nlohmann::json;

Error invalid(const std::string& what) {
  return permanent_error("payload.invalid", what);
}

Result<json> parse_object(std::string_view body, const std::string& kind) {
  json document = json::parse(body.begin(), body.end(), nullptr, false);
  if (document.is_discarded()) return invalid(kind + ": body is not JSON");
  if (!document.is_object()) return invalid(kind + ": body is not a JSON object");
  return document;
}

bool non_empty_string(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() && !found->get_ref<const std::string&>().empty();
}

bool string_equals(const json& object, const char* key, std::string_view expected) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() && found->get_ref<const std::string&>() == expected;
}

Status check_header(const json& document, const std::string& kind) {
  if (!non_empty_string(document, "apiVersion")) return invalid(kind + ": apiVersion is missing");
  if (!string_equals(document, "kind", kind)) return invalid(kind + ": kind is not \"" + kind + "\"");
  return {};
}

bool valid_state(const json& value) {
  static constexpr std::array<std::string_view, 6> states = {"pending", "installing", "installed",
                                                             "failed",  "removing",   "removed"};
  if (!value.is_string()) return false;
  const auto& text = value.get_ref<const std::string&>();
  for (const auto state : states)
    if (text == state) return true;
  return false;
}

}  // namespace

Result<std::string> onboarding_certificate_field(std::string_view body) {
  auto document = parse_object(body, "OnboardingRequest");
  if (!document) return document.error();
  if (auto status = check_header(*document, "OnboardingRequest"); !status) return status.error();
  if (!non_empty_string(*document, "certificate"))
    return invalid("OnboardingRequest: certificate is missing");
  return (*document)["certificate"].get<std::string>();
}

Status check_capabilities_manifest(std::string_view body) {
  auto document = parse_object(body, "DeviceCapabilitiesManifest");
  if (!document) return document.error();
  return check_header(*document, "DeviceCapabilitiesManifest");
}

Result<std::string> check_status_manifest(std::string_view body, const std::string& deployment_id) {
  const std::string kind = "DeploymentStatusManifest";
  auto document = parse_object(body, kind);
  if (!document) return document.error();
  if (auto status = check_header(*document, kind); !status) return status.error();
  if (!string_equals(*document, "deploymentId", deployment_id))
    return invalid(kind + ": deploymentId does not match the path's '" + deployment_id + "'");
  const auto status = document->find("status");
  if (status == document->end() || !status->is_object()) return invalid(kind + ": status is missing");
  const auto state = status->find("state");
  if (state == status->end() || !valid_state(*state))
    return invalid(kind + ": status.state is not a valid state");
  const auto components = document->find("components");
  if (components == document->end() || !components->is_array())
    return invalid(kind + ": components[] is missing");
  for (std::size_t i = 0; i < components->size(); ++i) {
    const json& component = (*components)[i];
    const std::string where = kind + ": components[" + std::to_string(i) + "]";
    if (!component.is_object() || !non_empty_string(component, "name"))
      return invalid(where + ".name is missing");
    const auto component_state = component.find("state");
    if (component_state == component.end() || !valid_state(*component_state))
      return invalid(where + ".state is not a valid state");
  }
  return state->get<std::string>();
}

}  // namespace margo::fake
