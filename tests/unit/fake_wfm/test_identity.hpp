#pragma once
// Device identities and signed requests made in test code with OpenSSL directly, so that the fake
// WFM's verifier is checked against an independent signer.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/ports/http_client.hpp"

using EVP_PKEY = struct evp_pkey_st;

namespace margo::testing {

enum class KeyKind { ec_p256, ec_p384, rsa_2048 };

struct TestIdentity {
  std::shared_ptr<EVP_PKEY> key;
  std::string certificate_pem;
  std::string certificate_der;
  std::string key_id;  // lowercase hex SHA-256 of the DER SubjectPublicKeyInfo
};

// Generated once per kind and reused (RSA generation is slow); `other` gives a second, distinct one.
const TestIdentity& identity(KeyKind kind, bool other = false);

std::string base64(const std::string& bytes);
std::string sha256_content_digest(const std::string& body);
// "sha256:<lowercase hex>", the Margo digest string.
std::string margo_sha256(const std::string& bytes);

// Signs the base: raw r||s for ECDSA, PKCS#1 v1.5 with SHA-256 or PSS/SHA-512 (salt 64) for RSA.
std::string sign_base(EVP_PKEY* key, const std::string& algorithm, const std::string& base);

struct SignOptions {
  std::string keyid;
  std::int64_t created = 0;
  std::vector<std::string> components = {"@method", "@target-uri", "content-digest"};
  std::string algorithm;     // default: by key (ecdsa-p256-sha256, ecdsa-p384-sha384, rsa-v1_5-sha256)
  std::string extra_params;  // appended verbatim to the parameters, e.g. ";alg=\"rsa-pss-sha512\""
  bool with_created = true;
  std::string label = "sig1";
};

// A request with Content-Digest, Signature-Input and Signature, the base built here by hand.
HttpRequest signed_request(const TestIdentity& identity, std::string method, std::string url,
                           std::string body, const SignOptions& options);

}  // namespace margo::testing
