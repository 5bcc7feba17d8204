#pragma once
// Signing keys made in the test with OpenSSL, and detached signatures in the format
// `openssl dgst -sha256 -sign key.pem -out pkg.sig pkg` writes (DER ECDSA, or RSA PKCS#1 v1.5).

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace margo::test {

class TestSigningKey {
 public:
  static TestSigningKey ec_p256() {
    return TestSigningKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  }
  static TestSigningKey rsa(unsigned bits) {
    return TestSigningKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits)));
  }

  std::string public_pem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PUBKEY(bio.get(), key_.get());
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(length));
  }

  std::string sign(const std::string& data) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    std::size_t length = 0;
    if (EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1)
      throw std::runtime_error("signing failed");
    std::string signature(length, '\0');
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
      throw std::runtime_error("signing failed");
    signature.resize(length);
    return signature;
  }

 private:
  explicit TestSigningKey(EVP_PKEY* key) : key_(key, EVP_PKEY_free) {
    if (!key) throw std::runtime_error("key generation failed");
  }
  std::shared_ptr<EVP_PKEY> key_;
};

}  // namespace margo::test
