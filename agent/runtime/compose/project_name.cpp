#include "agent/runtime/compose/project_name.hpp"

#include "agent/core/encoding.hpp"

namespace margo {
namespace {

// Each readable part is cut to this length so the whole name stays short in `docker ps` columns and in
// container names ("<project>-<service>-1").
constexpr std::size_t kMaxPartLength = 20;
// 40 bits: collisions between the components of one device are out of reach.
constexpr std::size_t kHashLength = 10;
constexpr std::size_t kMaxNameLength = 63;

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Lowercase; anything outside [a-z0-9_-] becomes '-'; runs of separators collapse to one; no
// separator at either end.
std::string sanitise(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (out.size() == kMaxPartLength) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (is_lower_alnum(c)) {
      out += c;
    } else if (!out.empty() && out.back() != '-' && out.back() != '_') {
      out += (c == '_') ? '_' : '-';
    }
  }
  while (!out.empty() && (out.back() == '-' || out.back() == '_')) out.pop_back();
  return out;
}

}  // namespace

std::string make_project_name(std::string_view deployment_id, std::string_view deployment_name,
                              std::string_view component_name) {
  // The NUL separator keeps ("ab", "c") and ("a", "bc") apart.
  std::string hashed(deployment_id);
  hashed += '\0';
  hashed += component_name;
  std::string name;
  for (const std::string& part : {sanitise(deployment_name), sanitise(component_name)}) {
    if (part.empty()) continue;
    name += part;
    name += '-';
  }
  name += sha256_hex(hashed).substr(0, kHashLength);
  return name;
}

bool is_valid_project_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength || !is_lower_alnum(name.front())) return false;
  for (const char c : name)
    if (!is_lower_alnum(c) && c != '-' && c != '_') return false;
  return true;
}

}  // namespace margo
