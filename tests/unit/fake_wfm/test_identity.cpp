#include "test_identity.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <map>
#include <stdexcept>

namespace margo::testing {
namespace {

std::string hex(const unsigned char* bytes, std::size_t length) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0x0f]);
  }
  return out;
}

std::string sha256(const std::string& data) {
  unsigned char out[32];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(out), length);
}

TestIdentity make_identity(KeyKind kind, const std::string& common_name) {
  EVP_PKEY* key = kind == KeyKind::ec_p256   ? EVP_EC_gen("P-256")
                  : kind == KeyKind::ec_p384 ? EVP_EC_gen("P-384")
                                             : EVP_RSA_gen(2048);
  if (key == nullptr) throw std::runtime_error("key generation failed");
  TestIdentity identity;
  identity.key.reset(key, EVP_PKEY_free);

  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 3600L * 24 * 365);
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(certificate, name);
  X509_set_pubkey(certificate, key);
  X509_sign(certificate, key, EVP_sha256());

  unsigned char* der = nullptr;
  const int der_length = i2d_X509(certificate, &der);
  identity.certificate_der.assign(reinterpret_cast<char*>(der), static_cast<std::size_t>(der_length));
  OPENSSL_free(der);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, certificate);
  char* pem = nullptr;
  const long pem_length = BIO_get_mem_data(bio, &pem);
  identity.certificate_pem.assign(pem, static_cast<std::size_t>(pem_length));
  BIO_free(bio);
  X509_free(certificate);

  unsigned char* spki = nullptr;
  const int spki_length = i2d_PUBKEY(key, &spki);
  const std::string digest =
      sha256(std::string(reinterpret_cast<char*>(spki), static_cast<std::size_t>(spki_length)));
  identity.key_id = hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
  OPENSSL_free(spki);
  return identity;
}

std::string default_algorithm(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return "rsa-v1_5-sha256";
  return EVP_PKEY_get_bits(key) == 256 ? "ecdsa-p256-sha256" : "ecdsa-p384-sha384";
}

}  // namespace

const TestIdentity& identity(KeyKind kind, bool other) {
  static std::map<std::pair<KeyKind, bool>, TestIdentity> cache;
  const auto found = cache.find({kind, other});
  if (found != cache.end()) return found->second;
  return cache.emplace(std::make_pair(kind, other), make_identity(kind, other ? "other-device" : "device"))
      .first->second;
}

std::string base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::string sha256_content_digest(const std::string& body) {
  return "sha-256=:" + base64(sha256(body)) + ":";
}

std::string margo_sha256(const std::string& bytes) {
  const std::string digest = sha256(bytes);
  return "sha256:" + hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
}

std::string sign_base(EVP_PKEY* key, const std::string& algorithm, const std::string& base) {
  const bool ecdsa = algorithm.rfind("ecdsa", 0) == 0;
  const EVP_MD* md = algorithm == "rsa-pss-sha512"      ? EVP_sha512()
                     : algorithm == "ecdsa-p384-sha384" ? EVP_sha384()
                                                        : EVP_sha256();
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_PKEY_CTX* key_context = nullptr;
  EVP_DigestSignInit(context, &key_context, md, nullptr, key);
  if (algorithm == "rsa-pss-sha512") {
    EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_mgf1_md(key_context, EVP_sha512());
    EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, 64);
  }
  std::size_t length = 0;
  EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(base.data()), base.size());
  std::string signature(length, '\0');
  EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(base.data()), base.size());
  signature.resize(length);
  EVP_MD_CTX_free(context);
  if (!ecdsa) return signature;

  // DER ECDSA-Sig-Value to fixed-width r||s.
  const std::size_t half = algorithm == "ecdsa-p256-sha256" ? 32 : 48;
  const auto* cursor = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(signature.size()));
  std::string raw(2 * half, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(half));
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + half,
               static_cast<int>(half));
  ECDSA_SIG_free(sig);
  return raw;
}

HttpRequest signed_request(const TestIdentity& identity, std::string method, std::string url,
                           std::string body, const SignOptions& options) {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.body = std::move(body);
  request.headers.set("Content-Type", "application/json");
  request.headers.set("Content-Digest", sha256_content_digest(request.body));

  std::string base;
  std::string covered;
  for (const auto& component : options.components) {
    std::string value;
    if (component == "@method") {
      value = request.method;
    } else if (component == "@target-uri") {
      value = request.url;
    } else {
      value = request.headers.get(component).value_or("");
    }
    base += "\"" + component + "\": " + value + "\n";
    covered += (covered.empty() ? "\"" : " \"") + component + "\"";
  }
  std::string params = "(" + covered + ")";
  if (options.with_created) params += ";created=" + std::to_string(options.created);
  params += ";keyid=\"" + options.keyid + "\"" + options.extra_params;
  base += "\"@signature-params\": " + params;

  const std::string algorithm =
      options.algorithm.empty() ? default_algorithm(identity.key.get()) : options.algorithm;
  request.headers.set("Signature-Input", options.label + "=" + params);
  request.headers.set("Signature",
                      options.label + "=:" + base64(sign_base(identity.key.get(), algorithm, base)) + ":");
  return request;
}

}  // namespace margo::testing
