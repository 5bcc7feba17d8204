#include "agent/runtime/helm/helm_status.hpp"

namespace margo {
namespace {

Error bad_output(std::string_view what, const std::string& why) {
  return retryable_error("helm.invalid_output", std::string(what) + " printed unexpected output: " + why);
}

std::string string_at(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

}  // namespace

Result<HelmReleaseStatus> parse_helm_release(std::string_view stdout_text, std::string_view what) {
  // Parsing never throws (allow_exceptions = false); the accessors below check types first. The catch
  // is the boundary guard the architecture asks for around parsers that may throw.
  try {
    const nlohmann::json document = nlohmann::json::parse(stdout_text, nullptr, false);
    if (document.is_discarded()) return bad_output(what, "not JSON");
    if (!document.is_object()) return bad_output(what, "not a JSON object");
    HelmReleaseStatus release;
    const auto name = document.find("name");
    if (name == document.end() || !name->is_string()) return bad_output(what, "no release name");
    release.name = name->get<std::string>();
    const auto info = document.find("info");
    if (info == document.end() || !info->is_object()) return bad_output(what, "no \"info\" object");
    const auto status = info->find("status");
    if (status == info->end() || !status->is_string() || status->get<std::string>().empty())
      return bad_output(what, "no \"info.status\"");
    release.status = status->get<std::string>();
    release.description = string_at(*info, "description");
    const auto version = document.find("version");
    if (version == document.end() || !version->is_number_integer() || version->get<std::int64_t>() < 1 ||
        version->get<std::int64_t>() > 1'000'000'000)
      return bad_output(what, "no revision number in \"version\"");
    release.revision = static_cast<int>(version->get<std::int64_t>());
    release.namespace_name = string_at(document, "namespace");
    if (const auto chart = document.find("chart"); chart != document.end() && chart->is_object()) {
      if (const auto metadata = chart->find("metadata"); metadata != chart->end() && metadata->is_object()) {
        release.chart_name = string_at(*metadata, "name");
        release.chart_version = string_at(*metadata, "version");
      }
    }
    if (const auto config = document.find("config"); config != document.end() && !config->is_null()) {
      if (!config->is_object()) return bad_output(what, "\"config\" is not an object");
      release.config = *config;
    }
    return release;
  } catch (const std::exception& error) {
    return bad_output(what, error.what());
  }
}

bool is_pending_status(std::string_view status) {
  return status == "pending-install" || status == "pending-upgrade" || status == "pending-rollback";
}

ComponentObservation observe_release(const HelmReleaseStatus& release) {
  std::string detail =
      "release " + release.name + " revision " + std::to_string(release.revision) + " " + release.status;
  if (!release.description.empty()) detail += ": " + release.description;
  if (release.status == "deployed") return {ComponentHealth::running, detail};
  if (release.status == "failed") return {ComponentHealth::failed, detail};
  if (is_pending_status(release.status) || release.status == "uninstalling")
    return {ComponentHealth::progressing, detail};
  if (release.status == "uninstalled") return {ComponentHealth::missing, detail};
  return {ComponentHealth::failed, detail};
}

}  // namespace margo
