#include "fakes/wfm/target_uri.hpp"

namespace margo::fake {
namespace {

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = to_lower(c);
  return out;
}

bool is_scheme_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) return alpha;
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

// Bytes a request target may carry: visible ASCII only (no spaces, controls or raw non-ASCII).
bool is_visible_ascii(std::string_view text) {
  for (const char c : text)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  return true;
}

Error malformed(std::string_view url, const std::string& what) {
  return permanent_error("uri.malformed", "target URI '" + std::string(url.substr(0, 200)) + "': " + what);
}

}  // namespace

std::string TargetUri::normalized_authority() const {
  const bool default_port =
      port.empty() || (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  return default_port ? host : host + ":" + port;
}

Result<TargetUri> parse_target_uri(std::string_view url) {
  if (!is_visible_ascii(url)) return malformed(url, "contains spaces, control or non-ASCII characters");
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return malformed(url, "no scheme");
  for (std::size_t i = 0; i < scheme_end; ++i)
    if (!is_scheme_char(url[i], i == 0)) return malformed(url, "invalid scheme");
  if (url.find('#') != std::string_view::npos) return malformed(url, "a request target has no fragment");

  TargetUri uri;
  uri.scheme = lowercase(url.substr(0, scheme_end));
  const std::string_view rest = url.substr(scheme_end + 3);
  const std::size_t authority_end = rest.find_first_of("/?");
  uri.authority = std::string(rest.substr(0, authority_end));
  if (uri.authority.empty()) return malformed(url, "no host");
  if (uri.authority.find('@') != std::string::npos) return malformed(url, "user information is not allowed");

  std::string_view host = uri.authority;
  const std::size_t colon = host.rfind(':');
  const std::size_t bracket = host.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    uri.port = std::string(host.substr(colon + 1));
    host = host.substr(0, colon);
    if (uri.port.empty() || uri.port.size() > 5 ||
        uri.port.find_first_not_of("0123456789") != std::string::npos)
      return malformed(url, "invalid port");
  }
  if (host.empty()) return malformed(url, "no host");
  uri.host = lowercase(host);

  if (authority_end == std::string_view::npos) {
    uri.path = "/";
    return uri;
  }
  const std::string_view path_and_query = rest.substr(authority_end);
  const std::size_t question = path_and_query.find('?');
  uri.path = std::string(path_and_query.substr(0, question));
  if (uri.path.empty()) uri.path = "/";
  if (question != std::string_view::npos) uri.query = std::string(path_and_query.substr(question + 1));
  return uri;
}

}  // namespace margo::fake
