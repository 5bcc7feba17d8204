#pragma once
// The device's private key: loaded from PEM, checked against the key types the Margo signature
// algorithms allow, and identified by the SHA-256 of its public key.

#include <memory>
#include <string>
#include <string_view>

#include "agent/ports/filesystem.hpp"
#include "agent/ports/result.hpp"

typedef struct evp_pkey_st EVP_PKEY;

namespace margo {

enum class KeyType {
  rsa,      // rsaEncryption: PKCS#1 v1.5 or PSS
  rsa_pss,  // RSASSA-PSS key (PSS only), such as RFC 9421's test-key-rsa-pss
  ec_p256,
  ec_p384,
};

std::string_view to_string(KeyType type);

class SigningKey {
 public:
  // Accepts PKCS#8 ("PRIVATE KEY") and traditional ("RSA PRIVATE KEY", "EC PRIVATE KEY") PEM.
  // Errors name `source_name` (the file): key.invalid (not a private key PEM), key.encrypted,
  // key.too_small (RSA below 2048 bits), key.unsupported (other curves, Ed25519, DSA...). All permanent.
  static Result<SigningKey> from_pem(std::string_view pem, std::string_view source_name);

  KeyType type() const { return type_; }
  int bits() const;
  // DER SubjectPublicKeyInfo of the public half.
  const std::string& public_key_der() const { return public_key_der_; }
  // Lowercase hex SHA-256 of public_key_der(): the keyid used at onboarding.
  std::string key_id() const;
  // The OpenSSL key, for signing and certificate code in this folder. Shared and never modified.
  EVP_PKEY* native() const { return key_.get(); }

 private:
  SigningKey(std::shared_ptr<EVP_PKEY> key, KeyType type, std::string public_key_der)
      : key_(std::move(key)), type_(type), public_key_der_(std::move(public_key_der)) {}

  std::shared_ptr<EVP_PKEY> key_;
  KeyType type_;
  std::string public_key_der_;
};

// Reads the key file through the FileSystem port; a missing file is key.not_found naming the path.
Result<SigningKey> load_signing_key(FileSystem& fs, const std::string& path);

}  // namespace margo
