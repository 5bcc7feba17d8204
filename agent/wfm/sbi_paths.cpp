#include "agent/wfm/sbi_paths.hpp"

#include <algorithm>
#include <cctype>

namespace margo {
namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == ':' ||
         c == '[' || c == ']';
}

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
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad_url(url, "not an absolute URL");
  const std::string scheme = lowercase(url.substr(0, scheme_end));
  if (scheme != "https" && scheme != "http") return bad_url(url, "scheme must be https");
  const std::string_view rest = url.substr(scheme_end + 3);
  const auto path_start = rest.find('/');
  const std::string_view authority = rest.substr(0, path_start);
  std::string_view path = path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start);
  if (authority.empty()) return bad_url(url, "no host");
  if (!std::all_of(authority.begin(), authority.end(), is_host_char)) return bad_url(url, "invalid host");
  if (path.find_first_of("?#") != std::string_view::npos)
    return bad_url(url, "query or fragment not allowed");
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);

  std::string host_port = lowercase(authority);
  // The default port is implied, as in the Host header the client sends.
  const std::string default_port = scheme == "https" ? ":443" : ":80";
  if (host_port.size() > default_port.size() &&
      host_port.compare(host_port.size() - default_port.size(), default_port.size(), default_port) == 0 &&
      host_port.back() != ']') {
    host_port.resize(host_port.size() - default_port.size());
  }
  return BaseUrl{scheme + "://" + host_port, std::string(path)};
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
