#pragma once
// The profile A request signer: RFC 9530 Content-Digest plus an RFC 9421 signature "sig1" over
// ("@method" "@target-uri" "content-digest") with created and keyid.

#include "agent/wfm/request_signer.hpp"
#include "agent/wfm/signature_algorithm.hpp"

namespace margo {

class Rfc9421Signer final : public RequestSigner {
 public:
  // `algorithm` should come from resolve_signature_algorithm; a mismatch fails every sign().
  Rfc9421Signer(SigningKey key, SignatureAlgorithm algorithm);

  // Sets Content-Digest, Signature-Input and Signature (replacing earlier ones). @target-uri is
  // request.url as it is. Errors: signing.bad_parameter for a key_id that is not printable ASCII,
  // and those of build_signature_base and sign_message.
  Status sign(HttpRequest& request, std::string_view key_id, std::int64_t created) override;

 private:
  Result<MessageSigner> signer_;
};

}  // namespace margo
