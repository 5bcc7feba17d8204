#pragma once
// Where each call of the southbound API goes, per protocol profile. Profile A (1.0.0): onboarding,
// /api/v1/clients/{clientId}/... paths under the configured sbiUrl. Profile B will be another
// implementation of the same questions.

#include <string>
#include <string_view>

#include "agent/ports/result.hpp"

namespace margo {

// An absolute http(s) URL split into origin ("https://host:port") and path prefix ("/v1alpha2/margo").
struct BaseUrl {
  std::string origin;
  std::string path_prefix;  // no trailing slash; empty for the root
};

Result<BaseUrl> parse_base_url(std::string_view url);

// True for identifiers that can be put into a URL path segment as they are (RFC 3986 unreserved).
bool is_safe_path_segment(std::string_view segment);

class ProfileAPaths {
 public:
  explicit ProfileAPaths(BaseUrl base) : base_(std::move(base)) {}

  std::string onboarding_certificate() const;
  std::string onboarding() const;
  std::string capabilities(std::string_view client_id) const;
  std::string deployments(std::string_view client_id) const;
  std::string deployment_status(std::string_view client_id, std::string_view deployment_id) const;
  // A `url` from the manifest: a path on the WFM's origin, or an absolute URL on that same origin.
  // Anything else is refused: the WFM cannot send the agent's signed requests elsewhere.
  Result<std::string> artifact(std::string_view manifest_url) const;

  const BaseUrl& base() const { return base_; }

 private:
  std::string api(std::string_view path) const;

  BaseUrl base_;
};

}  // namespace margo
