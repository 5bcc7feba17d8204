#pragma once
// Signs outgoing WFM requests (profile A): RFC 9530 Content-Digest plus an RFC 9421 signature over
// "@method", "@target-uri" and "content-digest" with `created` and `keyid`. A plug-in: when the
// config switches signing off, requests go out unsigned.

#include <cstdint>
#include <string_view>

#include "agent/ports/http_client.hpp"

namespace margo {

class RequestSigner {
 public:
  virtual ~RequestSigner() = default;
  // Adds Content-Digest, Signature-Input and Signature. The request's method, url and body must be
  // final. `created` is Unix seconds from the executor's wall clock.
  virtual Status sign(HttpRequest& request, std::string_view key_id, std::int64_t created) = 0;
};

}  // namespace margo
