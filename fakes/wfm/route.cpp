#include "fakes/wfm/route.hpp"

#include <vector>

namespace margo::fake {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoded segments; nullopt for an empty segment, a bad escape or an escaped "/".
std::optional<std::vector<std::string>> split_segments(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string_view raw =
        path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (raw.empty()) return std::nullopt;
    std::string decoded;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '%') {
        decoded.push_back(raw[i]);
        continue;
      }
      if (i + 2 >= raw.size()) return std::nullopt;
      const int high = hex_value(raw[i + 1]);
      const int low = hex_value(raw[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      const char c = static_cast<char>(high * 16 + low);
      if (c == '/' || c == '\0') return std::nullopt;
      decoded.push_back(c);
      i += 2;
    }
    segments.push_back(std::move(decoded));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

Route make(RouteKind kind, RouteClass route_class, std::string allowed) {
  return Route{kind, route_class, {}, {}, {}, std::move(allowed)};
}

}  // namespace

std::string_view to_string(RouteClass route_class) {
  switch (route_class) {
    case RouteClass::onboarding:
      return "onboarding";
    case RouteClass::capabilities:
      return "capabilities";
    case RouteClass::manifest:
      return "manifest";
    case RouteClass::artifact:
      return "artifact";
    case RouteClass::status:
      return "status";
    case RouteClass::unknown:
      return "unknown";
  }
  return "unknown";
}

std::optional<RouteClass> route_class_from_string(std::string_view name) {
  for (const auto candidate : {RouteClass::onboarding, RouteClass::capabilities, RouteClass::manifest,
                               RouteClass::artifact, RouteClass::status})
    if (to_string(candidate) == name) return candidate;
  return std::nullopt;
}

bool Route::allows(std::string_view method) const {
  std::string_view rest = allowed_methods;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(", ");
    if (rest.substr(0, comma) == method) return true;
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 2);
  }
  return false;
}

std::optional<Route> match_route(std::string_view path) {
  const auto parsed = split_segments(path);
  if (!parsed || parsed->size() < 3 || (*parsed)[0] != "api" || (*parsed)[1] != "v1") return std::nullopt;
  const std::vector<std::string> s(parsed->begin() + 2, parsed->end());

  if (s[0] == "onboarding") {
    if (s.size() == 1) return make(RouteKind::onboarding, RouteClass::onboarding, "POST");
    if (s.size() == 2 && s[1] == "certificate")
      return make(RouteKind::root_ca, RouteClass::onboarding, "GET");
    return std::nullopt;
  }
  if (s[0] != "clients" || s.size() < 3) return std::nullopt;

  std::optional<Route> route;
  if (s.size() == 3 && s[2] == "capabilities") {
    route = make(RouteKind::capabilities, RouteClass::capabilities, "POST, PUT");
  } else if (s.size() == 3 && s[2] == "deployments") {
    route = make(RouteKind::manifest, RouteClass::manifest, "GET");
  } else if (s.size() == 4 && s[2] == "bundles") {
    route = make(RouteKind::bundle, RouteClass::artifact, "GET");
    route->digest = s[3];
  } else if (s.size() == 5 && s[2] == "deployments") {
    route = s[4] == "status" ? make(RouteKind::deployment_status, RouteClass::status, "POST")
                             : make(RouteKind::deployment_yaml, RouteClass::artifact, "GET");
    route->deployment_id = s[3];
    if (route->kind == RouteKind::deployment_yaml) route->digest = s[4];
  } else {
    return std::nullopt;
  }
  route->client_id = s[1];
  return route;
}

}  // namespace margo::fake
