#include "test_support.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "agent/core/encoding.hpp"

namespace margo::test {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free_all(bio); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

Bio new_memory_bio() {
  return Bio(BIO_new(BIO_s_mem()));
}

std::string drain(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// Raw r||s -> DER ECDSA-Sig-Value; "" when the length is not exactly 2 * half_width.
std::string ecdsa_raw_to_der(std::string_view raw, std::size_t half_width) {
  if (raw.size() != 2 * half_width) return "";
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  ECDSA_SIG* signature = ECDSA_SIG_new();
  ECDSA_SIG_set0(signature, BN_bin2bn(bytes, static_cast<int>(half_width), nullptr),
                 BN_bin2bn(bytes + half_width, static_cast<int>(half_width), nullptr));
  unsigned char* der = nullptr;
  const int length = i2d_ECDSA_SIG(signature, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  ECDSA_SIG_free(signature);
  return out;
}

}  // namespace

Pkey parse_public_key(std::string_view text) {
  if (text.substr(0, 10) == "-----BEGIN") {
    Bio bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    return Pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  }
  const auto* cursor = reinterpret_cast<const unsigned char*>(text.data());
  return Pkey(d2i_PUBKEY(nullptr, &cursor, static_cast<long>(text.size())));
}

std::string rfc9421_file(std::string_view name) {
  const std::string path = std::string(MARGO_SOURCE_ROOT) + "/tests/data/rfc9421/" + std::string(name);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test vector " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string signature_bytes(std::string_view field_value) {
  const auto start = field_value.find("=:");
  if (start == std::string_view::npos || field_value.back() != ':') {
    throw std::runtime_error("not a signature");
  }
  const auto decoded = base64_decode(field_value.substr(start + 2, field_value.size() - start - 3));
  if (!decoded) throw std::runtime_error("signature is not base64");
  return *decoded;
}

bool verify_rfc9421(std::string_view algorithm, std::string_view public_key, std::string_view message,
                    std::string_view signature) {
  Pkey key = parse_public_key(public_key);
  if (!key) throw std::runtime_error("unreadable public key");
  const EVP_MD* digest = nullptr;
  std::string encoded(signature);
  if (algorithm == "ecdsa-p256-sha256") {
    digest = EVP_sha256();
    encoded = ecdsa_raw_to_der(signature, 32);
  } else if (algorithm == "ecdsa-p384-sha384") {
    digest = EVP_sha384();
    encoded = ecdsa_raw_to_der(signature, 48);
  } else if (algorithm == "rsa-v1_5-sha256") {
    digest = EVP_sha256();
  } else if (algorithm == "rsa-pss-sha512") {
    digest = EVP_sha512();
  } else {
    throw std::runtime_error("unknown algorithm " + std::string(algorithm));
  }
  if (encoded.empty()) return false;

  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_PKEY_CTX* key_context = nullptr;
  bool ok = EVP_DigestVerifyInit(context, &key_context, digest, nullptr, key.get()) == 1;
  if (ok && algorithm == "rsa-pss-sha512") {
    ok = EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(key_context, EVP_sha512()) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, 64) == 1;
  } else if (ok && algorithm == "rsa-v1_5-sha256") {
    ok = EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) == 1;
  }
  ok = ok && EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(encoded.data()), encoded.size(),
                              reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(context);
  ERR_clear_error();
  return ok;
}

Pkey generate_key(std::string_view type, std::string_view parameter) {
  EVP_PKEY* key = nullptr;
  if (type == "RSA") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(std::stoul(std::string(parameter))));
  } else if (type == "EC") {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", std::string(parameter).c_str());
  } else {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, std::string(type).c_str());
  }
  if (key == nullptr) throw std::runtime_error("key generation failed for " + std::string(type));
  return Pkey(key);
}

EVP_PKEY* rsa_2048() {
  static const Pkey key = generate_key("RSA", "2048");
  return key.get();
}
EVP_PKEY* ec_p256() {
  static const Pkey key = generate_key("EC", "P-256");
  return key.get();
}
EVP_PKEY* ec_p384() {
  static const Pkey key = generate_key("EC", "P-384");
  return key.get();
}

std::string private_key_pem(EVP_PKEY* key, PemFormat format) {
  static char passphrase[] = "correct horse";
  const int passphrase_length = static_cast<int>(sizeof passphrase - 1);
  Bio bio = new_memory_bio();
  int ok = 0;
  switch (format) {
    case PemFormat::pkcs8:
      ok = PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
      break;
    case PemFormat::traditional:
      ok = PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
      break;
    case PemFormat::pkcs8_encrypted:
      ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase, passphrase_length,
                                         nullptr, nullptr);
      break;
    case PemFormat::traditional_encrypted:
      ok = PEM_write_bio_PrivateKey_traditional(bio.get(), key, EVP_aes_256_cbc(),
                                                reinterpret_cast<unsigned char*>(passphrase),
                                                passphrase_length, nullptr, nullptr);
      break;
  }
  if (ok != 1) throw std::runtime_error("writing a private key PEM failed");
  return drain(bio.get());
}

std::string public_key_pem(EVP_PKEY* key) {
  Bio bio = new_memory_bio();
  if (PEM_write_bio_PUBKEY(bio.get(), key) != 1) throw std::runtime_error("writing a public key PEM failed");
  return drain(bio.get());
}

std::string public_key_der(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) throw std::runtime_error("encoding a public key failed");
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

std::string certificate_pem(EVP_PKEY* subject_key, EVP_PKEY* issuer_key, std::string_view common_name,
                            std::int64_t not_before_unix, std::int64_t not_after_unix) {
  X509* certificate = X509_new();
  X509_set_version(certificate, X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 4242);
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Test Org"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.data()),
                             static_cast<int>(common_name.size()), -1, 0);
  X509_set_issuer_name(certificate, name);
  ASN1_TIME_set(X509_getm_notBefore(certificate), static_cast<time_t>(not_before_unix));
  ASN1_TIME_set(X509_getm_notAfter(certificate), static_cast<time_t>(not_after_unix));
  X509_set_pubkey(certificate, subject_key);
  const EVP_MD* digest = EVP_PKEY_is_a(issuer_key, "ED25519") ? nullptr : EVP_sha256();
  if (X509_sign(certificate, issuer_key, digest) <= 0) {
    throw std::runtime_error("signing a certificate failed");
  }
  Bio bio = new_memory_bio();
  PEM_write_bio_X509(bio.get(), certificate);
  X509_free(certificate);
  return drain(bio.get());
}

Result<std::string> MemoryFileSystem::read_file(const std::string& path, std::size_t max_bytes) {
  const auto found = files.find(path);
  if (found == files.end()) return permanent_error("fs.not_found", path + ": no such file");
  if (found->second.size() > max_bytes) return permanent_error("fs.too_large", path + ": too large");
  return found->second;
}

namespace {
Error unsupported() {
  return retryable_error("fs.io", "MemoryFileSystem only reads");
}
}  // namespace

Status MemoryFileSystem::write_file(const std::string&, const std::string&, unsigned) {
  return unsupported();
}
Status MemoryFileSystem::fsync_file(const std::string&) {
  return unsupported();
}
Status MemoryFileSystem::rename(const std::string&, const std::string&) {
  return unsupported();
}
Status MemoryFileSystem::fsync_directory(const std::string&) {
  return unsupported();
}
Status MemoryFileSystem::remove(const std::string&) {
  return unsupported();
}
Status MemoryFileSystem::create_directories(const std::string&, unsigned) {
  return unsupported();
}
Result<std::optional<FileInfo>> MemoryFileSystem::stat(const std::string&) {
  return unsupported();
}
Result<std::vector<std::string>> MemoryFileSystem::list_directory(const std::string&) {
  return unsupported();
}

}  // namespace margo::test
