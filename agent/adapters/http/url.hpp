#pragma once
// Absolute http(s) URLs as HTTP clients need them: where to connect (origin) and what to ask for
// (target). Strict on purpose: a request signature covers the URL as written, so anything that would
// be sent differently from how it reads (spaces, fragments, credentials) is rejected, not repaired.
// Pure string handling, header-only, so the simulated network can share it.

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/ports/result.hpp"

namespace margo {

struct Url {
  std::string scheme;      // "http" or "https", lower case
  std::string host;        // lower case; an IPv6 literal without its brackets
  std::uint16_t port = 0;  // the given port, or the scheme's default
  std::string authority;   // host[:port] exactly as written in the URL (the Host header)
  std::string target;      // path and query as written; "/" when the URL has neither

  bool ipv6_literal() const { return host.find(':') != std::string::npos; }
  // "scheme://host:port" with the default port filled in: the key of a connection pool.
  std::string origin() const {
    const std::string shown_host = ipv6_literal() ? "[" + host + "]" : host;
    return scheme + "://" + shown_host + ":" + std::to_string(port);
  }
  // The URL without its query, for messages: queries may carry tokens.
  std::string without_query() const {
    return scheme + "://" + authority + target.substr(0, target.find('?'));
  }
};

namespace url_detail {

inline std::string to_lower(std::string_view text) {
  std::string lowered(text);
  for (char& c : lowered)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lowered;
}

inline bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline bool valid_reg_name(std::string_view host) {
  if (host.empty()) return false;
  for (char c : host)
    if (!is_alnum(c) && c != '-' && c != '.' && c != '_' && c != '~') return false;
  return true;
}

inline bool valid_ipv6_literal(std::string_view host) {
  if (host.find(':') == std::string_view::npos) return false;
  for (char c : host)
    if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') && c != ':' && c != '.')
      return false;
  return true;
}

// Visible ASCII except '#': what may be sent as a request target without re-encoding.
inline bool valid_target(std::string_view target) {
  for (char c : target)
    if (c <= 0x20 || c >= 0x7f || c == '#') return false;
  return true;
}

inline Error bad_url(std::string_view url, std::string_view why) {
  return permanent_error("http.bad_url",
                         "bad URL '" + std::string(url.substr(0, url.find('?'))) + "': " + std::string(why));
}

}  // namespace url_detail

inline Result<Url> parse_url(std::string_view text) {
  using namespace url_detail;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return bad_url(text, "expected scheme://host");
  Url url;
  url.scheme = to_lower(text.substr(0, scheme_end));
  if (url.scheme != "http" && url.scheme != "https") return bad_url(text, "scheme must be http or https");

  const std::string_view rest = text.substr(scheme_end + 3);
  const auto target_start = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, target_start);
  const std::string_view target = target_start == std::string_view::npos ? "" : rest.substr(target_start);
  if (authority.find('@') != std::string_view::npos)
    return bad_url(text, "credentials in URLs are not allowed");

  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(text, "unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    if (!valid_ipv6_literal(host)) return bad_url(text, "invalid IPv6 literal");
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad_url(text, "unexpected text after IPv6 literal");
    has_port = !after.empty();
    if (has_port) port_text = after.substr(1);
  } else {
    const auto colon = authority.find(':');
    host = authority.substr(0, colon);
    has_port = colon != std::string_view::npos;
    if (has_port) port_text = authority.substr(colon + 1);
    if (!valid_reg_name(host)) return bad_url(text, "missing or invalid host");
  }

  url.port = url.scheme == "https" ? 443 : 80;
  if (has_port) {
    if (port_text.empty() || port_text.size() > 5) return bad_url(text, "invalid port");
    unsigned long port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return bad_url(text, "invalid port");
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) return bad_url(text, "port out of range");
    url.port = static_cast<std::uint16_t>(port);
  }

  if (!valid_target(target))
    return bad_url(text, "path or query has spaces, control characters or a fragment");
  url.host = to_lower(host);
  url.authority = std::string(authority);
  url.target =
      target.empty() ? "/" : (target.front() == '?' ? "/" + std::string(target) : std::string(target));
  return url;
}

}  // namespace margo
