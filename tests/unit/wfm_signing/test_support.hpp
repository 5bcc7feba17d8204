#pragma once
// Test-side OpenSSL code, written independently of agent/wfm so that a bug in the signer cannot hide
// behind the same bug in the check: RFC 9421 verification, key and certificate generation, the
// RFC test vectors from tests/data/rfc9421, and an in-memory FileSystem.

#include <openssl/evp.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "agent/ports/executor.hpp"
#include "agent/ports/filesystem.hpp"

namespace margo::test {

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Exact bytes of tests/data/rfc9421/<name>.
std::string rfc9421_file(std::string_view name);
// The base64 inside "label=:...:" (a Signature field value), decoded.
std::string signature_bytes(std::string_view signature_field_value);

// PEM or DER SubjectPublicKeyInfo; null when unreadable.
Pkey parse_public_key(std::string_view text);

// Verifies an RFC 9421 signature. algorithm is the registry name ("ecdsa-p256-sha256",
// "ecdsa-p384-sha384", "rsa-v1_5-sha256", "rsa-pss-sha512"); ECDSA signatures are raw r||s.
// public_key is PEM or DER SubjectPublicKeyInfo.
bool verify_rfc9421(std::string_view algorithm, std::string_view public_key, std::string_view message,
                    std::string_view signature);

// Keys made for the test: type "RSA" (parameter: bits), "EC" (parameter: curve name), "ED25519".
Pkey generate_key(std::string_view type, std::string_view parameter = "");
// Cached keys, generated once per run: RSA-2048, EC P-256, EC P-384.
EVP_PKEY* rsa_2048();
EVP_PKEY* ec_p256();
EVP_PKEY* ec_p384();

enum class PemFormat { pkcs8, traditional, pkcs8_encrypted, traditional_encrypted };
std::string private_key_pem(EVP_PKEY* key, PemFormat format = PemFormat::pkcs8);
std::string public_key_pem(EVP_PKEY* key);
std::string public_key_der(EVP_PKEY* key);
// A certificate for `subject_key`, signed by `issuer_key`, CN=common_name.
std::string certificate_pem(EVP_PKEY* subject_key, EVP_PKEY* issuer_key, std::string_view common_name,
                            std::int64_t not_before_unix, std::int64_t not_after_unix);

// read_file serves the files it was given; every other call fails with fs.io.
class MemoryFileSystem final : public FileSystem {
 public:
  std::map<std::string, std::string> files;

  Result<std::string> read_file(const std::string& path, std::size_t max_bytes) override;
  Status write_file(const std::string& path, const std::string& data, unsigned mode) override;
  Status fsync_file(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status fsync_directory(const std::string& path) override;
  Status remove(const std::string& path) override;
  Status create_directories(const std::string& path, unsigned mode) override;
  Result<std::optional<FileInfo>> stat(const std::string& path) override;
  Result<std::vector<std::string>> list_directory(const std::string& path) override;
};

}  // namespace margo::test
