#include "agent/wfm/target_uri.hpp"

#include <algorithm>

namespace margo {
namespace {

char lowercase(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) { return lowercase(c); });
  return out;
}

bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_decimal_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (is_decimal_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Error bad_uri(std::string_view uri, std::string_view reason) {
  return permanent_error("signing.bad_uri", "target URI '" + std::string(uri) + "': " + std::string(reason));
}

// Splits "host[:port]" (host may be an IPv6 literal in brackets) and drops the scheme's default port.
Result<std::string> normalize_authority(std::string_view uri, std::string_view authority,
                                        std::string_view scheme) {
  if (authority.empty()) return bad_uri(uri, "no host");
  std::string_view host = authority;
  std::string_view port;
  const std::size_t host_end = authority.front() == '[' ? authority.find(']') : authority.find(':');
  if (authority.front() == '[') {
    if (host_end == std::string_view::npos) return bad_uri(uri, "unterminated IPv6 literal");
    host = authority.substr(0, host_end + 1);
    const std::string_view rest = authority.substr(host_end + 1);
    if (!rest.empty() && rest.front() != ':') return bad_uri(uri, "characters after the IPv6 literal");
    if (!rest.empty()) port = rest.substr(1);
  } else if (host_end != std::string_view::npos) {
    host = authority.substr(0, host_end);
    port = authority.substr(host_end + 1);
  }
  if (host.empty()) return bad_uri(uri, "no host");
  if (!std::all_of(port.begin(), port.end(), is_decimal_digit)) return bad_uri(uri, "port is not a number");
  const std::string_view default_port = scheme == "https" ? "443" : "80";
  std::string out = lowercase(host);
  if (!port.empty() && port != default_port) out += ':' + std::string(port);
  return out;
}

std::string form_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
               hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// "Percent-encode after encoding" with the application/x-www-form-urlencoded percent-encode set:
// everything except ASCII alphanumerics and * - . _ is encoded, a space as %20 (not "+").
std::string query_encode(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(bytes.size());
  for (const char c : bytes) {
    if (is_alpha(c) || is_decimal_digit(c) || c == '*' || c == '-' || c == '.' || c == '_') {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0f];
    }
  }
  return out;
}

}  // namespace

Result<TargetUri> parse_target_uri(std::string_view uri) {
  for (const char c : uri) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) return bad_uri(uri, "contains a space, control or non-ASCII character");
  }
  if (uri.find('#') != std::string_view::npos) return bad_uri(uri, "a target URI has no fragment");
  const std::size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) return bad_uri(uri, "not an absolute URI");
  TargetUri target;
  target.scheme = lowercase(uri.substr(0, scheme_end));
  if (target.scheme != "https" && target.scheme != "http") {
    return bad_uri(uri, "scheme must be http or https");
  }

  const std::string_view rest = uri.substr(scheme_end + 3);
  const std::size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  const std::string_view authority = rest.substr(0, authority_end);
  if (authority.find('@') != std::string_view::npos) return bad_uri(uri, "userinfo is not allowed");
  auto normalized = normalize_authority(uri, authority, target.scheme);
  if (!normalized) return normalized.error();
  target.authority = std::move(*normalized);

  const std::string_view path_and_query = rest.substr(authority_end);
  const std::size_t query_start = path_and_query.find('?');
  target.path = std::string(path_and_query.substr(0, query_start));
  if (target.path.empty()) target.path = "/";
  if (query_start != std::string_view::npos) {
    target.query = std::string(path_and_query.substr(query_start + 1));
  }
  return target;
}

std::vector<QueryParameter> parse_query_parameters(std::string_view query) {
  std::vector<QueryParameter> parameters;
  while (!query.empty()) {
    const std::size_t end = std::min(query.find('&'), query.size());
    const std::string_view sequence = query.substr(0, end);
    query.remove_prefix(std::min(end + 1, query.size()));
    if (sequence.empty()) continue;
    const std::size_t equals = sequence.find('=');
    const std::string_view name = sequence.substr(0, equals);
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view() : sequence.substr(equals + 1);
    parameters.push_back({query_encode(form_decode(name)), query_encode(form_decode(value))});
  }
  return parameters;
}

}  // namespace margo
