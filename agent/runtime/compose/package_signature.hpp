#pragma once
// Checks that a package is the one that was meant: its SHA-256 digest, and its detached signature.
//
// Signature format: the raw signature bytes as `openssl dgst -sha256 -sign key.pem -out pkg.sig pkg`
// writes them, over the exact package bytes: ECDSA P-256 (DER-encoded) or RSA (at least 2048 bits,
// PKCS#1 v1.5), both with SHA-256. The public key is PEM SubjectPublicKeyInfo ("BEGIN PUBLIC KEY", as
// `openssl pkey -pubout` writes it). PGP keys and signatures (the spec's example names a .asc key) are
// not supported: they are refused with a clear message, never accepted unchecked.

#include <string>
#include <string_view>

#include "agent/ports/result.hpp"

namespace margo {

// Error: compose.digest_mismatch (security), with both digests.
Status verify_package_digest(std::string_view package, std::string_view expected_sha256_hex,
                             std::string_view package_display);

// Error: compose.signature_invalid (security), saying whether the key or the signature is the problem.
Status verify_package_signature(std::string_view package, std::string_view signature,
                                std::string_view public_key_pem, std::string_view package_display);

}  // namespace margo
