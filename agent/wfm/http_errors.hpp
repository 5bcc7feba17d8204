#pragma once
// Turning a WFM response that is not the expected success into an Error the core can act on.

#include <optional>
#include <string_view>

#include "agent/ports/executor.hpp"
#include "agent/ports/http_client.hpp"

namespace margo {

// Retry-After as delta-seconds or an IMF-fixdate HTTP-date (RFC 9110 10.2.3). nullopt when malformed.
std::optional<Duration> parse_retry_after(std::string_view value, WallTime now);

// Class by status: 408, 425, 429 and 5xx are retryable; 401 and 403 are security (signature or
// certificate rejected); every other status is permanent. Carries http_status, retry_after and the
// start of the body (printable characters only) so the operator sees what the WFM said.
Error error_from_response(const HttpResponse& response, std::string_view operation, WallTime now);

}  // namespace margo
