#pragma once
// The RANDOM identity type: a fresh EC P-256 key and a self-signed certificate for it, made on the
// device when no identity was provisioned.

#include <chrono>
#include <string>
#include <string_view>

#include "agent/ports/executor.hpp"
#include "agent/ports/result.hpp"

namespace margo {

struct GeneratedIdentity {
  std::string private_key_pem;  // PKCS#8, unencrypted: store it with mode 0600
  std::string certificate_pem;
};

// Key material comes from OpenSSL's CSPRNG (not the Random port: keys must not replay). The
// certificate is X.509 v3, self-signed with ecdsa-with-SHA256, a random positive 16-byte serial,
// subject = issuer = CN=common_name, valid from not_before for `validity` (at most 100 years),
// basicConstraints CA:FALSE and keyUsage digitalSignature (both critical), and a subject key
// identifier. Errors: identity.bad_common_name, identity.bad_validity, identity.failed (OpenSSL).
Result<GeneratedIdentity> generate_self_signed_identity(std::string_view common_name, WallTime not_before,
                                                        std::chrono::seconds validity);

}  // namespace margo
