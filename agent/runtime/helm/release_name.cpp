#include "agent/runtime/helm/release_name.hpp"

#include "agent/core/encoding.hpp"

namespace margo {
namespace {

constexpr std::size_t kHashLength = 8;
// Room left for the readable part: 53 minus "-" and the hash.
constexpr std::size_t kPrefixLength = kMaxReleaseNameLength - 1 - kHashLength;
// The component name is what an operator looks for; it keeps at least this much of the prefix.
constexpr std::size_t kComponentShare = 20;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Lowercase, every other character a '-', no runs of '-', no '-' or digit in front, no '-' at the end.
std::string slug(std::string_view text) {
  std::string out;
  for (const char raw : text) {
    char c = raw;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (!is_lower_alnum(c)) c = '-';
    if (c == '-' && (out.empty() || out.back() == '-')) continue;
    if (out.empty() && !(c >= 'a' && c <= 'z')) continue;  // must start with a letter
    out.push_back(c);
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string cut(std::string text, std::size_t length) {
  if (text.size() > length) text.resize(length);
  while (!text.empty() && text.back() == '-') text.pop_back();
  return text;
}

// Each DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?
bool is_dns_label(std::string_view label) {
  if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back())) return false;
  for (const char c : label)
    if (!is_lower_alnum(c) && c != '-') return false;
  return true;
}

}  // namespace

std::string helm_release_name(std::string_view deployment_id, std::string_view deployment_name,
                              std::string_view component_name) {
  // The NUL separator keeps ("ab", "c") and ("a", "bc") apart.
  std::string key(deployment_id);
  key.push_back('\0');
  key.append(component_name);
  const std::string hash = sha256_hex(key).substr(0, kHashLength);

  std::string component = slug(component_name);
  std::string deployment = slug(deployment_name);
  component = cut(component, deployment.empty() ? kPrefixLength : kComponentShare);
  std::string prefix = deployment;
  if (!component.empty()) {
    const std::size_t room = kPrefixLength - component.size() - 1;
    prefix = deployment.empty() ? component : cut(deployment, room) + "-" + component;
  }
  prefix = cut(prefix, kPrefixLength);
  if (prefix.empty() || prefix.front() == '-') return "margo-" + hash;
  return prefix + "-" + hash;
}

bool is_valid_release_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxReleaseNameLength) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = name.find('.', start);
    if (!is_dns_label(name.substr(start, dot == std::string_view::npos ? dot : dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_valid_namespace_name(std::string_view name) {
  return name.size() <= 63 && is_dns_label(name);
}

}  // namespace margo
