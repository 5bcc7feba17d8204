#pragma once
// RFC 9421 section 2.5: the signature base a verifier rebuilds from the message and the covered
// components listed in Signature-Input.

#include <optional>
#include <string>

#include "agent/ports/http_client.hpp"
#include "agent/ports/result.hpp"
#include "fakes/wfm/structured_fields.hpp"

namespace margo::fake {

// What a signature can cover: a request (method and absolute target URI) or a response (status).
struct SignedMessage {
  HttpHeaders headers;
  std::optional<std::string> method;
  std::optional<std::string> target_uri;
  std::optional<int> status;

  static SignedMessage of_request(const HttpRequest& request);
  static SignedMessage of_response(int status, HttpHeaders headers);
};

// Derived components: @method, @target-uri, @authority, @scheme, @request-target, @path, @query,
// @query-param;name=..., @status. Header fields by lowercased name, values trimmed and joined with
// ", ". Errors (signature.components): a component that is not a string, an unknown or duplicate
// component, an unsupported parameter, a missing field, a value that cannot be represented.
Result<std::string> build_signature_base(const SignedMessage& message, const sf::InnerList& signature_params);

}  // namespace margo::fake
