#include "agent/core/manifest.hpp"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

namespace margo {
namespace {

Error invalid_manifest(const std::string& field, const std::string& reason) {
  return security_error("manifest.invalid", "manifest " + field + ": " + reason);
}

bool is_safe_id(std::string_view id) {
  // Ids name files and URL path segments: "." and ".." would walk out of them.
  if (id.empty() || id.size() > 128 || id == "." || id == "..") return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
  });
}

Result<std::string> required_string(const nlohmann::json& object, const char* key, const std::string& where) {
  const auto found = object.find(key);
  if (found == object.end()) return invalid_manifest(where + "." + key, "missing");
  if (!found->is_string()) return invalid_manifest(where + "." + key, "not a string");
  return found->get<std::string>();
}

Result<std::optional<std::uint64_t>> optional_size(const nlohmann::json& object, const std::string& where) {
  const auto found = object.find("sizeBytes");
  if (found == object.end() || found->is_null()) return std::optional<std::uint64_t>();
  if (!found->is_number_unsigned())
    return invalid_manifest(where + ".sizeBytes", "not a non-negative integer");
  return std::optional<std::uint64_t>(found->get<std::uint64_t>());
}

Result<std::string> required_digest(const nlohmann::json& object, const std::string& where) {
  auto digest = required_string(object, "digest", where);
  if (!digest) return digest;
  if (!is_sha256_digest(*digest))
    return invalid_manifest(where + ".digest",
                            "'" + digest->substr(0, 80) + "' is not sha256:<64 lowercase hex>");
  return digest;
}

Result<BundleRef> parse_bundle(const nlohmann::json& json) {
  if (!json.is_object()) return invalid_manifest("bundle", "not an object or null");
  BundleRef bundle;
  auto media_type = required_string(json, "mediaType", "bundle");
  if (!media_type) return media_type.error();
  if (*media_type != kBundleMediaType)
    return invalid_manifest("bundle.mediaType",
                            "'" + media_type->substr(0, 80) + "' is not " + std::string(kBundleMediaType));
  bundle.media_type = *media_type;
  auto digest = required_digest(json, "bundle");
  if (!digest) return digest.error();
  bundle.digest = *digest;
  auto size = optional_size(json, "bundle");
  if (!size) return size.error();
  bundle.size_bytes = *size;
  auto url = required_string(json, "url", "bundle");
  if (!url) return url.error();
  if (url->empty()) return invalid_manifest("bundle.url", "empty");
  bundle.url = *url;
  return bundle;
}

Result<DeploymentRef> parse_deployment(const nlohmann::json& json, std::size_t index) {
  const std::string where = "deployments[" + std::to_string(index) + "]";
  if (!json.is_object()) return invalid_manifest(where, "not an object");
  DeploymentRef deployment;
  auto id = required_string(json, "deploymentId", where);
  if (!id) return id.error();
  if (!is_safe_id(*id))
    return invalid_manifest(where + ".deploymentId",
                            "'" + id->substr(0, 80) + "' is not a URL-safe id of 1-128 characters");
  deployment.deployment_id = *id;
  auto digest = required_digest(json, where);
  if (!digest) return digest.error();
  deployment.digest = *digest;
  auto size = optional_size(json, where);
  if (!size) return size.error();
  deployment.size_bytes = *size;
  auto url = required_string(json, "url", where);
  if (!url) return url.error();
  if (url->empty()) return invalid_manifest(where + ".url", "empty");
  deployment.url = *url;
  return deployment;
}

}  // namespace

bool is_sha256_digest(std::string_view digest) {
  constexpr std::string_view kPrefix = "sha256:";
  if (digest.size() != kPrefix.size() + 64 || digest.substr(0, kPrefix.size()) != kPrefix) return false;
  return std::all_of(digest.begin() + kPrefix.size(), digest.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

Result<Manifest> parse_manifest(std::string_view body) {
  const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return invalid_manifest("body", "not valid JSON");
  if (!json.is_object()) return invalid_manifest("body", "not a JSON object");

  Manifest manifest;
  const auto version = json.find("manifestVersion");
  if (version == json.end()) return invalid_manifest("manifestVersion", "missing");
  // Integers beyond 2^64-1 parse as floating point and are refused here, as are 1.0 and -1.
  if (!version->is_number_unsigned() || version->get<std::uint64_t>() == 0)
    return invalid_manifest("manifestVersion", "not an integer in [1, 2^64-1]");
  manifest.version = version->get<std::uint64_t>();

  const auto deployments = json.find("deployments");
  if (deployments == json.end()) return invalid_manifest("deployments", "missing");
  if (!deployments->is_array()) return invalid_manifest("deployments", "not an array");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < deployments->size(); ++i) {
    auto deployment = parse_deployment((*deployments)[i], i);
    if (!deployment) return deployment.error();
    if (!seen.insert(deployment->deployment_id).second)
      return invalid_manifest("deployments[" + std::to_string(i) + "].deploymentId",
                              "'" + deployment->deployment_id + "' is listed twice");
    manifest.deployments.push_back(std::move(deployment).value());
  }

  const auto bundle = json.find("bundle");
  if (bundle == json.end())
    return invalid_manifest("bundle", "missing (must be null when there are no deployments)");
  if (bundle->is_null()) {
    if (!manifest.deployments.empty())
      return invalid_manifest("bundle", "null although deployments are listed");
  } else {
    if (manifest.deployments.empty())
      return invalid_manifest("bundle", "present although no deployments are listed");
    auto parsed = parse_bundle(*bundle);
    if (!parsed) return parsed.error();
    manifest.bundle = std::move(parsed).value();
  }
  return manifest;
}

}  // namespace margo
