#include "agent/wfm/identity_generation.hpp"

#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>

#include "agent/openssl/openssl_handles.hpp"

namespace margo {
namespace {

constexpr std::size_t kMaxCommonNameBytes = 64;  // ub-common-name, RFC 5280
constexpr int kSerialBytes = 16;
constexpr std::chrono::seconds kMaxValidity = std::chrono::years(100);

Error generation_failed(std::string_view step) {
  return permanent_error("identity.failed", "generating the device identity: " + std::string(step) +
                                                " failed: " + take_openssl_errors());
}

Result<PkeyHandle> generate_p256_key() {
  PkeyContextHandle context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  if (!context || EVP_PKEY_keygen_init(context.get()) != 1 ||
      EVP_PKEY_CTX_set_group_name(context.get(), "P-256") != 1 || EVP_PKEY_keygen(context.get(), &key) != 1) {
    return generation_failed("EC P-256 key generation");
  }
  return PkeyHandle(key);
}

bool set_random_serial(X509* certificate) {
  unsigned char bytes[kSerialBytes];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return false;
  bytes[0] &= 0x7f;  // positive
  bytes[0] |= 0x40;  // and never zero, with a fixed length
  BignumHandle serial(BN_bin2bn(bytes, sizeof bytes, nullptr));
  return serial && BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) != nullptr;
}

bool add_extension(X509* certificate, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  X509ExtensionHandle extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

bool set_time(X509* certificate, WallTime time, bool not_after) {
  Asn1TimeHandle asn1(ASN1_TIME_set(nullptr, static_cast<time_t>(unix_seconds(time))));
  if (!asn1) return false;
  return (not_after ? X509_set1_notAfter(certificate, asn1.get())
                    : X509_set1_notBefore(certificate, asn1.get())) == 1;
}

Result<std::string> to_pem(EVP_PKEY* key) {
  BioHandle bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return generation_failed("writing the private key");
  }
  return bio_contents(bio.get());
}

Result<std::string> to_pem(X509* certificate) {
  BioHandle bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1) {
    return generation_failed("writing the certificate");
  }
  return bio_contents(bio.get());
}

}  // namespace

Result<GeneratedIdentity> generate_self_signed_identity(std::string_view common_name, WallTime not_before,
                                                        std::chrono::seconds validity) {
  if (common_name.empty() || common_name.size() > kMaxCommonNameBytes ||
      std::any_of(common_name.begin(), common_name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return permanent_error("identity.bad_common_name",
                           "device common name '" + std::string(common_name) +
                               "' must be 1 to 64 bytes without control characters");
  }
  if (validity <= std::chrono::seconds::zero() || validity > kMaxValidity) {
    return permanent_error("identity.bad_validity",
                           "certificate validity must be positive and at most 100 years");
  }
  auto key = generate_p256_key();
  if (!key) return key.error();

  X509Handle certificate(X509_new());
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
      !set_random_serial(certificate.get())) {
    return generation_failed("creating the certificate");
  }
  X509_NAME* name = X509_get_subject_name(certificate.get());
  if (X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1 ||
      X509_set_issuer_name(certificate.get(), name) != 1) {
    return generation_failed("setting the subject");
  }
  const WallTime not_after = not_before + std::chrono::duration_cast<Duration>(validity);
  if (!set_time(certificate.get(), not_before, false) || !set_time(certificate.get(), not_after, true)) {
    return generation_failed("setting the validity period");
  }
  if (X509_set_pubkey(certificate.get(), key->get()) != 1 ||
      !add_extension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension(certificate.get(), NID_key_usage, "critical,digitalSignature") ||
      !add_extension(certificate.get(), NID_subject_key_identifier, "hash")) {
    return generation_failed("adding the certificate extensions");
  }
  if (X509_sign(certificate.get(), key->get(), EVP_sha256()) <= 0) return generation_failed("self-signing");

  auto key_pem = to_pem(key->get());
  if (!key_pem) return key_pem.error();
  auto certificate_pem = to_pem(certificate.get());
  if (!certificate_pem) return certificate_pem.error();
  return GeneratedIdentity{std::move(*key_pem), std::move(*certificate_pem)};
}

}  // namespace margo
