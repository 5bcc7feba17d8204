#include "fakes/wfm/client_certificate.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "fakes/wfm/openssl_codec.hpp"

namespace margo::fake {
namespace {

struct X509Deleter {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

Error malformed(const std::string& what) {
  return permanent_error("certificate.malformed", "certificate: " + what);
}

X509Ptr read_pem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  X509Ptr certificate(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return certificate;
}

X509Ptr read_der(std::string_view der) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr certificate(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
  // Trailing bytes after the certificate are not a certificate.
  if (certificate && cursor != reinterpret_cast<const unsigned char*>(der.data()) + der.size())
    return nullptr;
  return certificate;
}

std::string uuid_from(std::string_view hash) {
  std::string bytes(hash.substr(0, 16));
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x40);  // version 4 layout
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  const std::string hex = hex_lower(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

Result<ClientCertificate> describe(const X509Ptr& certificate) {
  ClientCertificate result;
  unsigned char* der = nullptr;
  const int der_length = i2d_X509(certificate.get(), &der);
  if (der_length <= 0) return malformed("cannot encode as DER");
  result.der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(der_length));
  OPENSSL_free(der);

  EVP_PKEY* key = X509_get_pubkey(certificate.get());
  if (key == nullptr) return malformed("public key cannot be read");
  result.key = PublicKey(key, EVP_PKEY_free);

  unsigned char* spki = nullptr;
  const int spki_length = i2d_PUBKEY(key, &spki);
  if (spki_length <= 0) return malformed("public key cannot be encoded");
  result.key_id = hex_lower(sha256_bytes(std::string_view(reinterpret_cast<const char*>(spki), spki_length)));
  OPENSSL_free(spki);

  result.client_id = uuid_from(sha256_bytes(result.der));
  return result;
}

}  // namespace

Result<ClientCertificate> parse_certificate(std::string_view pem_or_der) {
  const bool pem = pem_or_der.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos;
  X509Ptr certificate = pem ? read_pem(pem_or_der) : read_der(pem_or_der);
  if (!certificate)
    return malformed(pem ? "PEM does not hold an X.509 certificate" : "DER is not an X.509 certificate");
  return describe(certificate);
}

Result<ClientCertificate> parse_onboarding_certificate(std::string_view base64_text) {
  auto decoded = base64_decode(base64_text);
  if (!decoded) return malformed("not base64");
  if (decoded->empty()) return malformed("empty");
  return parse_certificate(*decoded);
}

}  // namespace margo::fake
