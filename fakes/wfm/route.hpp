#pragma once
// Which device-facing Margo API (profile A) route a request path names.

#include <optional>
#include <string>
#include <string_view>

namespace margo::fake {

// Route classes group routes for fault injection and counters.
enum class RouteClass { onboarding, capabilities, manifest, artifact, status, unknown };

std::string_view to_string(RouteClass route_class);
// "onboarding", "capabilities", "manifest", "artifact", "status"; nullopt otherwise.
std::optional<RouteClass> route_class_from_string(std::string_view name);

enum class RouteKind {
  root_ca,            // GET  /api/v1/onboarding/certificate
  onboarding,         // POST /api/v1/onboarding
  capabilities,       // POST, PUT /api/v1/clients/{clientId}/capabilities
  manifest,           // GET  /api/v1/clients/{clientId}/deployments
  deployment_yaml,    // GET  /api/v1/clients/{clientId}/deployments/{deploymentId}/{digest}
  bundle,             // GET  /api/v1/clients/{clientId}/bundles/{digest}
  deployment_status,  // POST /api/v1/clients/{clientId}/deployments/{deploymentId}/status
};

struct Route {
  RouteKind kind;
  RouteClass route_class;
  std::string client_id;
  std::string deployment_id;
  std::string digest;
  std::string allowed_methods;  // for the Allow header of a 405: "GET", "POST, PUT"

  bool allows(std::string_view method) const;
};

// `path` is the request path below the base path, still percent-encoded. nullopt: no such route.
std::optional<Route> match_route(std::string_view path);

}  // namespace margo::fake
