#include "agent/wfm/sbi_paths.hpp"

#include <algorithm>
#include <cctype>

#include "agent/wfm/target_uri.hpp"

namespace margo {
namespace {

Error bad_url(std::string_view url, std::string_view reason) {
  return permanent_error("wfm.bad_url", "'" + std::string(url) + "': " + std::string(reason));
}

}  // namespace

bool is_safe_path_segment(std::string_view segment) {
  if (segment.empty() || segment.size() > 256 || segment == "." || segment == "..") return false;
  return std::all_of(segment.begin(), segment.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~';
  });
}

Result<BaseUrl> parse_base_url(std::string_view url) {
  auto parsed = parse_target_uri(url);
  if (!parsed) return bad_url(url, parsed.error().message);
  if (parsed->query) return bad_url(url, "query not allowed");
  std::string prefix = parsed->path;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  return BaseUrl{parsed->scheme + "://" + parsed->authority, prefix};
}

std::string ProfileAPaths::api(std::string_view path) const {
  return base_.origin + base_.path_prefix + std::string(path);
}

std::string ProfileAPaths::onboarding_certificate() const {
  return api("/api/v1/onboarding/certificate");
}
std::string ProfileAPaths::onboarding() const {
  return api("/api/v1/onboarding");
}

std::string ProfileAPaths::capabilities(std::string_view client_id) const {
  return api("/api/v1/clients/" + std::string(client_id) + "/capabilities");
}

std::string ProfileAPaths::deployments(std::string_view client_id) const {
  return api("/api/v1/clients/" + std::string(client_id) + "/deployments");
}

std::string ProfileAPaths::deployment_status(std::string_view client_id,
                                             std::string_view deployment_id) const {
  return api("/api/v1/clients/" + std::string(client_id) + "/deployments/" + std::string(deployment_id) +
             "/status");
}

Result<std::string> ProfileAPaths::artifact(std::string_view manifest_url) const {
  std::string_view path = manifest_url;
  if (manifest_url.find("://") != std::string_view::npos) {
    auto parsed = parse_base_url(manifest_url);
    if (!parsed || parsed->origin != base_.origin)
      return security_error("wfm.foreign_url", "manifest url '" + std::string(manifest_url) +
                                                   "' is not on the WFM's origin " + base_.origin);
    path = manifest_url.substr(manifest_url.find('/', manifest_url.find("://") + 3));
  }
  if (path.empty() || path.front() != '/' || path.find("..") != std::string_view::npos ||
      path.find_first_of("?#\\ \r\n\t") != std::string_view::npos) {
    return security_error("wfm.bad_artifact_url",
                          "manifest url '" + std::string(manifest_url) + "' is not a plain path");
  }
  return base_.origin + std::string(path);
}

}  // namespace margo
