#include "fakes/wfm/public_key.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace margo::fake {
namespace {

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// Raw r||s (each `half` bytes, big-endian) to the DER ECDSA-Sig-Value OpenSSL verifies.
std::string ecdsa_raw_to_der(std::string_view raw) {
  const int half = static_cast<int>(raw.size() / 2);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (sig == nullptr) return {};
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), half, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + half, half, nullptr);
  std::string der;
  if (r != nullptr && s != nullptr && ECDSA_SIG_set0(sig, r, s) == 1) {
    r = s = nullptr;  // owned by sig now
    unsigned char* out = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &out);
    if (length > 0) der.assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(length));
    OPENSSL_free(out);
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return der;
}

bool verify_digest(const EVP_MD* md, const PublicKey& key, std::string_view data, std::string_view signature,
                   bool pss) {
  std::unique_ptr<EVP_MD_CTX, DigestContextDeleter> context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  if (!context || EVP_DigestVerifyInit(context.get(), &key_context, md, nullptr, key.get()) != 1)
    return false;
  if (pss && (EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) != 1 ||
              EVP_PKEY_CTX_set_rsa_mgf1_md(key_context, EVP_sha512()) != 1 ||
              EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, 64) != 1))
    return false;
  return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

std::string curve_name(const PublicKey& key) {
  char name[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(key.get(), name, sizeof(name), &length) != 1) return {};
  return std::string(name, length);
}

}  // namespace

Result<PublicKey> public_key_from_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return permanent_error("key.malformed", "cannot read the public key PEM");
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return permanent_error("key.malformed", "not a PEM SubjectPublicKeyInfo");
  return PublicKey(key, EVP_PKEY_free);
}

Result<std::vector<std::string>> signature_algorithms_for(const PublicKey& key) {
  switch (EVP_PKEY_get_base_id(key.get())) {
    case EVP_PKEY_EC: {
      const std::string curve = curve_name(key);
      if (curve == "prime256v1" || curve == "P-256") return std::vector<std::string>{"ecdsa-p256-sha256"};
      if (curve == "secp384r1" || curve == "P-384") return std::vector<std::string>{"ecdsa-p384-sha384"};
      return permanent_error("key.unsupported", "EC curve '" + curve + "' is not P-256 or P-384");
    }
    case EVP_PKEY_RSA:
      return std::vector<std::string>{"rsa-v1_5-sha256", "rsa-pss-sha512"};
    case EVP_PKEY_RSA_PSS:
      return std::vector<std::string>{"rsa-pss-sha512"};
    default:
      return permanent_error("key.unsupported", "key type is not EC or RSA");
  }
}

bool verify_signature(std::string_view algorithm, const PublicKey& key, std::string_view data,
                      std::string_view signature) {
  if (algorithm == "ecdsa-p256-sha256" || algorithm == "ecdsa-p384-sha384") {
    const std::size_t raw_size = algorithm == "ecdsa-p256-sha256" ? 64 : 96;
    if (signature.size() != raw_size) return false;
    const std::string der = ecdsa_raw_to_der(signature);
    const EVP_MD* md = raw_size == 64 ? EVP_sha256() : EVP_sha384();
    return !der.empty() && verify_digest(md, key, data, der, false);
  }
  if (algorithm == "rsa-v1_5-sha256") return verify_digest(EVP_sha256(), key, data, signature, false);
  if (algorithm == "rsa-pss-sha512") return verify_digest(EVP_sha512(), key, data, signature, true);
  return false;
}

}  // namespace margo::fake
