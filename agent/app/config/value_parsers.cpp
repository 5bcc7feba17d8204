#include "agent/app/config/value_parsers.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <initializer_list>
#include <optional>

namespace margo {
namespace {

constexpr std::size_t max_quoted_length = 60;

Error invalid(std::string reason) {
  return permanent_error("config.invalid_value", std::move(reason));
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

template <typename T>
struct Choice {
  std::string_view name;  // lowercase
  T value;
};

// Case-insensitive choice among names; `expected` lists them for the message.
template <typename T>
Result<T> choose(std::string_view text, std::initializer_list<Choice<T>> choices, std::string_view expected) {
  const std::string key = lowercase(text);
  for (const Choice<T>& choice : choices) {
    if (choice.name == key) return choice.value;
  }
  return invalid("expected " + std::string(expected) + ", got " + quote_value(text));
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A non-negative decimal number: digits with an optional fraction. Returns the length consumed.
std::optional<std::pair<double, std::size_t>> leading_number(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && is_digit(text[end])) ++end;
  if (end < text.size() && text[end] == '.') {
    ++end;
    while (end < text.size() && is_digit(text[end])) ++end;
  }
  const std::string_view number = text.substr(0, end);
  if (number.empty() || number == "." || number.front() == '.' || number.back() == '.') return std::nullopt;
  double value = 0;
  const auto [ptr, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (error != std::errc() || ptr != number.data() + number.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return std::make_pair(value, end);
}

std::optional<double> unit_milliseconds(std::string_view unit) {
  if (unit == "ms") return 1.0;
  if (unit == "s") return 1000.0;
  if (unit == "m") return 60'000.0;
  if (unit == "h") return 3'600'000.0;
  return std::nullopt;
}

Result<Duration> to_duration(double milliseconds, std::string_view text) {
  // Far beyond any sensible setting, and still exact in an int64 of milliseconds.
  constexpr double max_milliseconds = 1e15;
  if (milliseconds > max_milliseconds) return invalid("duration " + quote_value(text) + " is out of range");
  return Duration(static_cast<Duration::rep>(std::llround(milliseconds)));
}

bool is_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool is_url_path_char(char c) {
  if (c <= ' ' || c >= 0x7f) return false;
  return std::string_view("\"<>\\^`{|}").find(c) == std::string_view::npos;
}

struct Authority {
  std::string host;  // lowercased; IPv6 literals keep their brackets
  std::optional<int> port;
};

Result<Authority> parse_authority(std::string_view authority) {
  if (authority.find('@') != std::string_view::npos) {
    return invalid("must not contain user information ('@')");
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return invalid("unterminated IPv6 address '['");
    host = authority.substr(0, close + 1);
    const std::string_view inside = host.substr(1, host.size() - 2);
    const bool valid = !inside.empty() && std::all_of(inside.begin(), inside.end(), [](char c) {
      return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
    });
    if (!valid) return invalid("invalid IPv6 address " + quote_value(host));
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return invalid("unexpected text after the IPv6 address");
    if (!rest.empty()) port = rest.substr(1);
    if (rest == ":") return invalid("empty port");
  } else {
    const auto colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return invalid("empty port");
    }
    if (host.empty()) return invalid("has no host");
    if (!std::all_of(host.begin(), host.end(), is_host_char)) {
      return invalid("invalid host " + quote_value(host));
    }
  }
  Authority result{lowercase(host), std::nullopt};
  if (!port.empty()) {
    int number = 0;
    const auto [ptr, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (error != std::errc() || ptr != port.data() + port.size() || number < 1 || number > 65535) {
      return invalid("invalid port " + quote_value(port) + " (1 to 65535)");
    }
    result.port = number;
  }
  return result;
}

struct SplitUrl {
  std::string scheme;  // lowercased
  std::string_view authority;
  std::string_view path;  // from the first '/' after the authority, or empty
};

Result<SplitUrl> split_url(std::string_view text) {
  if (text.empty()) return invalid("must not be empty");
  for (const char c : text) {
    if (c <= ' ' || c >= 0x7f) return invalid("must not contain spaces or control characters");
  }
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return invalid("not an absolute URL: " + quote_value(text));
  const std::string_view rest = text.substr(scheme_end + 3);
  const auto path_start = rest.find('/');
  SplitUrl split{lowercase(text.substr(0, scheme_end)), rest.substr(0, path_start),
                 path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start)};
  return split;
}

}  // namespace

std::string quote_value(std::string_view text) {
  std::string out = "'";
  for (std::size_t i = 0; i < text.size() && i < max_quoted_length; ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      constexpr char hex[] = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > max_quoted_length) out += "...";
  return out + "'";
}

Result<bool> parse_bool(std::string_view text) {
  return choose<bool>(text, {{"true", true}, {"false", false}}, "a boolean (true or false)");
}

Result<LogLevel> parse_log_level(std::string_view text) {
  return choose<LogLevel>(text,
                          {{"debug", LogLevel::debug},
                           {"info", LogLevel::info},
                           {"warn", LogLevel::warn},
                           {"warning", LogLevel::warn},
                           {"error", LogLevel::error},
                           {"fatal", LogLevel::fatal}},
                          "one of DEBUG, INFO, WARN, ERROR, FATAL");
}

Result<LogFormat> parse_log_format(std::string_view text) {
  return choose<LogFormat>(text, {{"logfmt", LogFormat::logfmt}, {"json", LogFormat::json}},
                           "logfmt or json");
}

Result<IdentityType> parse_identity_type(std::string_view text) {
  return choose<IdentityType>(text, {{"pki", IdentityType::pki}, {"random", IdentityType::random}},
                              "PKI or RANDOM");
}

Result<std::string> parse_hash_algorithm(std::string_view text) {
  return choose<std::string>(text, {{"sha256", "sha256"}}, "sha256 (the only one supported)");
}

Result<SignatureAlgorithmSetting> parse_signature_algorithm(std::string_view text) {
  return choose<SignatureAlgorithmSetting>(
      text,
      {{"rsa", SignatureAlgorithmSetting::rsa_v1_5_sha256},
       {"rsa-v1_5-sha256", SignatureAlgorithmSetting::rsa_v1_5_sha256},
       {"rsa-pss", SignatureAlgorithmSetting::rsa_pss_sha512},
       {"rsa-pss-sha512", SignatureAlgorithmSetting::rsa_pss_sha512},
       {"ecdsa", SignatureAlgorithmSetting::ecdsa_by_key_curve},
       {"ecdsa-p256-sha256", SignatureAlgorithmSetting::ecdsa_p256_sha256},
       {"ecdsa-p384-sha384", SignatureAlgorithmSetting::ecdsa_p384_sha384}},
      "one of rsa, ecdsa, rsa-pss, rsa-v1_5-sha256, rsa-pss-sha512, "
      "ecdsa-p256-sha256, ecdsa-p384-sha384");
}

Result<SignatureFormat> parse_signature_format(std::string_view text) {
  return choose<SignatureFormat>(
      text,
      {{"structured", SignatureFormat::structured}, {"http-signature", SignatureFormat::http_signature}},
      "structured or http-signature");
}

Result<RuntimeType> parse_runtime_type(std::string_view text) {
  return choose<RuntimeType>(text,
                             {{"kubernetes", RuntimeType::kubernetes},
                              {"helm", RuntimeType::kubernetes},
                              {"docker", RuntimeType::docker},
                              {"compose", RuntimeType::docker}},
                             "KUBERNETES (or HELM) or DOCKER (or COMPOSE)");
}

Result<Duration> parse_duration(std::string_view text) {
  const auto expected = [&] {
    return invalid("expected seconds (15, 0.1) or a duration (100ms, 15s, 2m, 1h), got " + quote_value(text));
  };
  if (text.empty()) return expected();
  if (const auto seconds = leading_number(text); seconds && seconds->second == text.size()) {
    return to_duration(seconds->first * 1000.0, text);
  }
  double total = 0;
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto number = leading_number(rest);
    if (!number) return expected();
    rest.remove_prefix(number->second);
    std::size_t unit_length = 0;
    while (unit_length < rest.size() && std::isalpha(static_cast<unsigned char>(rest[unit_length])))
      ++unit_length;
    const auto scale = unit_milliseconds(rest.substr(0, unit_length));
    if (!scale) return expected();
    total += number->first * *scale;
    rest.remove_prefix(unit_length);
  }
  return to_duration(total, text);
}

namespace {

Result<std::string> parse_url_allowing(std::string_view text, bool allow_http) {
  auto split = split_url(text);
  if (!split) return split.error();
  if (split->scheme == "http" && !allow_http) {
    return invalid("must be an https:// URL (http:// is refused: the WFM is reached over TLS)");
  }
  if (split->scheme != "https" && split->scheme != "http") {
    return invalid(
        std::string(allow_http ? "must be an https:// or http:// URL" : "must be an https:// URL") +
        ", got " + quote_value(text));
  }
  if (split->authority.empty()) return invalid("must be a URL with a host");
  auto authority = parse_authority(split->authority);
  if (!authority) return authority.error();
  if (split->path.find_first_of("?#") != std::string_view::npos) {
    return invalid("must not have a query or fragment");
  }
  if (!std::all_of(split->path.begin(), split->path.end(), is_url_path_char)) {
    return invalid("invalid character in the path " + quote_value(split->path));
  }
  std::string url = split->scheme + "://" + authority->host;
  if (authority->port) url += ":" + std::to_string(*authority->port);
  return url + std::string(split->path);
}

}  // namespace

Result<std::string> parse_https_url(std::string_view text) {
  return parse_url_allowing(text, false);
}

Result<std::string> parse_web_url(std::string_view text) {
  return parse_url_allowing(text, true);
}

Result<std::string> parse_docker_url(std::string_view text) {
  const auto expected = [&] {
    return invalid("expected unix:///path, tcp://host:port or https://host:port, got " + quote_value(text));
  };
  if (text.find("://") == std::string_view::npos) return expected();
  auto split = split_url(text);
  if (!split) return split.error();
  if (split->scheme == "unix") {
    if (!split->authority.empty() || split->path.size() < 2) return expected();
    return "unix://" + std::string(split->path);
  }
  if (split->scheme != "tcp" && split->scheme != "https") return expected();
  if (!split->path.empty() && split->path != "/") return expected();
  auto authority = parse_authority(split->authority);
  if (!authority) return authority.error();
  if (!authority->port) return invalid("needs a port: " + split->scheme + "://host:port");
  return split->scheme + "://" + authority->host + ":" + std::to_string(*authority->port);
}

}  // namespace margo
