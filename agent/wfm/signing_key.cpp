#include "agent/wfm/signing_key.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include "agent/core/encoding.hpp"
#include "agent/openssl/openssl_handles.hpp"

namespace margo {
namespace {

constexpr std::size_t kMaxKeyFileBytes = 1024 * 1024;
constexpr int kMinRsaBits = 2048;

Error key_error(std::string code, std::string_view source_name, std::string_view problem) {
  return permanent_error(std::move(code),
                         "private key " + std::string(source_name) + ": " + std::string(problem));
}

// Never lets OpenSSL prompt on the terminal for a passphrase; records that it wanted one.
int refuse_passphrase(char*, int, int, void* asked) {
  *static_cast<bool*>(asked) = true;
  return -1;
}

std::string curve_name(EVP_PKEY* key) {
  char name[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &length) != 1) {
    return "";
  }
  return std::string(name, length);
}

Result<KeyType> classify(EVP_PKEY* key, std::string_view source_name) {
  if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
    const int bits = EVP_PKEY_get_bits(key);
    if (bits < kMinRsaBits) {
      return key_error("key.too_small", source_name,
                       "RSA key has " + std::to_string(bits) + " bits; at least 2048 are required");
    }
    return EVP_PKEY_is_a(key, "RSA-PSS") ? KeyType::rsa_pss : KeyType::rsa;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    const std::string curve = curve_name(key);
    if (curve == "prime256v1" || curve == "P-256") return KeyType::ec_p256;
    if (curve == "secp384r1" || curve == "P-384") return KeyType::ec_p384;
    return key_error("key.unsupported", source_name,
                     "EC curve '" + curve + "' is not supported; use P-256 or P-384");
  }
  const char* type_name = EVP_PKEY_get0_type_name(key);
  return key_error("key.unsupported", source_name,
                   std::string("key type ") + (type_name != nullptr ? type_name : "unknown") +
                       " is not supported; Margo signatures use RSA (2048+ bits), EC P-256 or EC P-384");
}

}  // namespace

std::string_view to_string(KeyType type) {
  switch (type) {
    case KeyType::rsa:
      return "RSA";
    case KeyType::rsa_pss:
      return "RSA-PSS";
    case KeyType::ec_p256:
      return "EC P-256";
    case KeyType::ec_p384:
      return "EC P-384";
  }
  return "unknown";
}

Result<SigningKey> SigningKey::from_pem(std::string_view pem, std::string_view source_name) {
  if (pem.size() > kMaxKeyFileBytes) return key_error("key.invalid", source_name, "larger than 1 MiB");
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
      pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
    return key_error(
        "key.encrypted", source_name,
        "the key is encrypted with a passphrase; decrypt it first (openssl pkey -in KEY -out PLAIN)");
  }
  BioHandle bio = memory_bio(pem);
  bool passphrase_asked = false;
  PkeyHandle key(PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, &passphrase_asked));
  const std::string openssl_errors = take_openssl_errors();
  if (passphrase_asked) {
    return key_error("key.encrypted", source_name,
                     "the key is encrypted with a passphrase; decrypt it first");
  }
  if (!key) {
    return key_error("key.invalid", source_name,
                     "no readable PEM private key (PKCS#8, RSA or EC)" +
                         (openssl_errors.empty() ? std::string() : " (" + openssl_errors + ")"));
  }
  auto type = classify(key.get(), source_name);
  if (!type) return type.error();

  unsigned char* der = nullptr;
  const int der_length = i2d_PUBKEY(key.get(), &der);
  if (der_length <= 0) {
    return key_error("key.invalid", source_name, "cannot encode the public key: " + take_openssl_errors());
  }
  std::string public_key_der(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_length));
  OPENSSL_free(der);
  return SigningKey(std::shared_ptr<EVP_PKEY>(key.release(), EVP_PKEY_free), *type,
                    std::move(public_key_der));
}

int SigningKey::bits() const {
  return EVP_PKEY_get_bits(key_.get());
}

std::string SigningKey::key_id() const {
  return sha256_hex(public_key_der_);
}

Result<SigningKey> load_signing_key(FileSystem& fs, const std::string& path) {
  auto pem = fs.read_file(path, kMaxKeyFileBytes);
  if (!pem) {
    if (pem.error().code == "fs.not_found") {
      return permanent_error("key.not_found", "private key file " + path + " does not exist");
    }
    return pem.error().with_context("reading private key " + path);
  }
  return SigningKey::from_pem(*pem, path);
}

}  // namespace margo
