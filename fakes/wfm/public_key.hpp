#pragma once
// A public key held by OpenSSL, and the RFC 9421 algorithms it can verify.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/result.hpp"

using EVP_PKEY = struct evp_pkey_st;

namespace margo::fake {

using PublicKey = std::shared_ptr<EVP_PKEY>;

// A "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo) PEM. Errors: key.malformed.
Result<PublicKey> public_key_from_pem(std::string_view pem);

// RFC 9421 registry names this key can verify, preferred first: EC P-256 -> ecdsa-p256-sha256,
// EC P-384 -> ecdsa-p384-sha384, RSA -> rsa-v1_5-sha256 and rsa-pss-sha512, RSA-PSS -> rsa-pss-sha512.
// Errors: key.unsupported for any other key type or curve.
Result<std::vector<std::string>> signature_algorithms_for(const PublicKey& key);

// True when `signature` is a valid signature of `data` under the named algorithm. ECDSA signatures
// are raw r||s (RFC 9421 3.3.4, 3.3.5); the PSS variant uses MGF1-SHA-512 and a 64-byte salt.
bool verify_signature(std::string_view algorithm, const PublicKey& key, std::string_view data,
                      std::string_view signature);

}  // namespace margo::fake
