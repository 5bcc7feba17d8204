#include "agent/runtime/compose/package_signature.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

#include "agent/core/encoding.hpp"

namespace margo {
namespace {

constexpr int kMinRsaBits = 2048;

struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyDeleter>;

Error invalid_signature(std::string_view package_display, const std::string& why) {
  ERR_clear_error();  // leave no stale OpenSSL errors behind for the next caller
  return security_error("compose.signature_invalid",
                        "package " + std::string(package_display) + " is not trusted: " + why);
}

Result<KeyPtr> load_public_key(std::string_view pem, std::string_view package_display) {
  if (pem.find("BEGIN PGP") != std::string_view::npos)
    return invalid_signature(package_display,
                             "the key is a PGP key; only PEM public keys (BEGIN PUBLIC KEY) are supported");
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return invalid_signature(package_display, "out of memory reading the key");
  KeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return invalid_signature(package_display, "the key is not a PEM public key (BEGIN PUBLIC KEY)");
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits)
      return invalid_signature(package_display,
                               "the RSA key has fewer than " + std::to_string(kMinRsaBits) + " bits");
    return key;
  }
  if (EVP_PKEY_is_a(key.get(), "EC")) {
    char group[64] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(key.get(), group, sizeof group, &length) != 1 ||
        std::string_view(group, length) != "prime256v1")
      return invalid_signature(package_display, "the EC key is not on curve P-256");
    return key;
  }
  return invalid_signature(package_display, "the key is neither RSA nor ECDSA P-256");
}

}  // namespace

Status verify_package_digest(std::string_view package, std::string_view expected_sha256_hex,
                             std::string_view package_display) {
  const std::string actual = sha256_hex(package);
  if (actual == expected_sha256_hex) return {};
  return security_error("compose.digest_mismatch",
                        "package " + std::string(package_display) + " has digest sha256:" + actual +
                            ", expected sha256:" + std::string(expected_sha256_hex));
}

Status verify_package_signature(std::string_view package, std::string_view signature,
                                std::string_view public_key_pem, std::string_view package_display) {
  auto key = load_public_key(public_key_pem, package_display);
  if (!key) return key.error();
  if (signature.empty()) return invalid_signature(package_display, "the signature is empty");
  std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestVerifyInit(context.get(), nullptr, EVP_sha256(), nullptr, key->get()) != 1)
    return invalid_signature(package_display, "cannot set up signature verification");
  const int verified = EVP_DigestVerify(
      context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(package.data()), package.size());
  if (verified != 1)
    return invalid_signature(package_display, "the signature does not match the package and key");
  ERR_clear_error();
  return {};
}

}  // namespace margo
