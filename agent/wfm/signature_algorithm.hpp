#pragma once
// The RFC 9421 signature algorithms the Margo API lists, chosen from configuration and checked
// against the key, and the signing primitive itself.

#include <memory>
#include <string>
#include <string_view>

#include "agent/ports/result.hpp"
#include "agent/wfm/signing_key.hpp"

namespace margo {

enum class SignatureAlgorithm {
  ecdsa_p256_sha256,
  ecdsa_p384_sha384,
  rsa_v1_5_sha256,
  rsa_pss_sha512,
};

// The RFC 9421 registry name, e.g. "ecdsa-p256-sha256".
std::string_view to_string(SignatureAlgorithm algorithm);

// Maps a configured value to an algorithm for this key:
//   "ecdsa"  -> ecdsa-p256-sha256 or ecdsa-p384-sha384, by the key's curve
//   "rsa"    -> rsa-v1_5-sha256;  "rsa-pss" -> rsa-pss-sha512
//   or any full name above.
// signing.unknown_algorithm for other values, signing.algorithm_mismatch when the key cannot make
// that signature (ecdsa with an RSA key, P-384 with a P-256 key, v1.5 with a PSS-only key...).
Result<SignatureAlgorithm> resolve_signature_algorithm(std::string_view configured, const SigningKey& key);

// HTTP_SIGN of RFC 9421 section 3.3 for one key and algorithm: ECDSA signatures come out as raw r||s
// (32+32 or 48+48 bytes), RSA-PSS uses MGF1 with SHA-512 and a 64-byte salt. The OpenSSL context is
// set up once and copied per signature: setting it up each time costs a noticeable share of an
// ECDSA P-256 signature, and this runs on every request.
class MessageSigner {
 public:
  // signing.algorithm_mismatch when the key does not fit the algorithm, signing.failed when OpenSSL
  // cannot set up the context.
  static Result<MessageSigner> create(const SigningKey& key, SignatureAlgorithm algorithm);

  // signing.failed when OpenSSL fails. Only reads the prepared context.
  Result<std::string> sign(std::string_view message) const;

 private:
  struct PreparedContext;
  MessageSigner(SigningKey key, SignatureAlgorithm algorithm, std::shared_ptr<PreparedContext> prepared)
      : key_(std::move(key)), algorithm_(algorithm), prepared_(std::move(prepared)) {}

  SigningKey key_;  // keeps the key alive as long as the context refers to it
  SignatureAlgorithm algorithm_;
  std::shared_ptr<PreparedContext> prepared_;
};

// One-off signature: MessageSigner::create(key, algorithm), then sign(message).
Result<std::string> sign_message(const SigningKey& key, SignatureAlgorithm algorithm,
                                 std::string_view message);

}  // namespace margo
