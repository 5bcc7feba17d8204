#pragma once
// The X.509 certificate a device onboards with, and the identifiers the fake WFM derives from it.

#include <string>
#include <string_view>

#include "agent/ports/result.hpp"
#include "fakes/wfm/public_key.hpp"

namespace margo::fake {

struct ClientCertificate {
  std::string der;
  PublicKey key;
  // Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo: the keyid of the onboarding signature.
  std::string key_id;
  // UUID-shaped, from the SHA-256 of the certificate DER: the same certificate gets the same id.
  std::string client_id;
};

// The `certificate` field of an OnboardingRequest: base64 of DER, or base64 of PEM.
// Errors: certificate.malformed.
Result<ClientCertificate> parse_onboarding_certificate(std::string_view base64_text);

// A certificate given directly as PEM text or DER bytes. Errors: certificate.malformed.
Result<ClientCertificate> parse_certificate(std::string_view pem_or_der);

}  // namespace margo::fake
