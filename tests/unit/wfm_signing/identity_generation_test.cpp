// The RANDOM identity: a generated key and self-signed certificate that load back and belong together.

#include <catch2/catch.hpp>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "agent/wfm/certificate.hpp"
#include "agent/wfm/identity_generation.hpp"
#include "agent/wfm/signature_algorithm.hpp"
#include "test_support.hpp"

namespace margo::test {
namespace {

const WallTime kIdentityNotBefore{std::chrono::seconds(1735689600)};  // 2025-01-01T00:00:00Z
constexpr std::chrono::seconds kValidity = std::chrono::hours(24 * 365 * 10);

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};

std::unique_ptr<X509, X509Free> parse_x509(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  std::unique_ptr<X509, X509Free> certificate(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return certificate;
}

GeneratedIdentity generate(std::string_view common_name = "margo-device-42") {
  auto identity = generate_self_signed_identity(common_name, kIdentityNotBefore, kValidity);
  REQUIRE(identity.ok());
  return *identity;
}

}  // namespace

TEST_CASE("A generated identity loads back: key and certificate match, CN and validity right", "[identity]") {
  const GeneratedIdentity identity = generate();
  CHECK(identity.private_key_pem.rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);  // PKCS#8, unencrypted

  auto key = SigningKey::from_pem(identity.private_key_pem, "generated.key");
  REQUIRE(key.ok());
  CHECK(key->type() == KeyType::ec_p256);
  auto certificate = Certificate::from_pem(identity.certificate_pem, "generated.crt");
  REQUIRE(certificate.ok());
  CHECK(certificate->matches(*key));
  CHECK(certificate->subject_common_name() == "margo-device-42");
  CHECK(certificate->not_before() == kIdentityNotBefore);
  CHECK(certificate->not_after() == kIdentityNotBefore + kValidity);

  // The key signs what the certificate's public key verifies.
  auto signature = sign_message(*key, SignatureAlgorithm::ecdsa_p256_sha256, "hello");
  REQUIRE(signature.ok());
  CHECK(verify_rfc9421("ecdsa-p256-sha256", certificate->public_key_der(), "hello", *signature));
}

TEST_CASE("The generated certificate is a self-signed X.509 v3 end-entity certificate", "[identity]") {
  const GeneratedIdentity identity = generate();
  const auto certificate = parse_x509(identity.certificate_pem);
  REQUIRE(certificate);
  CHECK(X509_get_version(certificate.get()) == X509_VERSION_3);
  CHECK(X509_NAME_cmp(X509_get_subject_name(certificate.get()), X509_get_issuer_name(certificate.get())) ==
        0);
  EVP_PKEY* public_key = X509_get0_pubkey(certificate.get());
  CHECK(X509_verify(certificate.get(), public_key) == 1);
  CHECK(X509_get_signature_nid(certificate.get()) == NID_ecdsa_with_SHA256);

  CHECK(X509_check_ca(certificate.get()) == 0);
  const uint32_t key_usage = X509_get_key_usage(certificate.get());
  CHECK((key_usage & KU_DIGITAL_SIGNATURE) != 0);
  CHECK((key_usage & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) == 0);
  const int basic_constraints = X509_get_ext_by_NID(certificate.get(), NID_basic_constraints, -1);
  REQUIRE(basic_constraints >= 0);
  CHECK(X509_EXTENSION_get_critical(X509_get_ext(certificate.get(), basic_constraints)) == 1);
  const int key_usage_index = X509_get_ext_by_NID(certificate.get(), NID_key_usage, -1);
  REQUIRE(key_usage_index >= 0);
  CHECK(X509_EXTENSION_get_critical(X509_get_ext(certificate.get(), key_usage_index)) == 1);

  const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate.get());
  BIGNUM* serial_number = ASN1_INTEGER_to_BN(serial, nullptr);
  CHECK_FALSE(BN_is_negative(serial_number));
  CHECK(BN_num_bits(serial_number) > 64);
  BN_free(serial_number);
}

TEST_CASE("Every generated identity has its own key and serial", "[identity]") {
  const GeneratedIdentity first = generate();
  const GeneratedIdentity second = generate();
  CHECK(first.private_key_pem != second.private_key_pem);
  const auto a = parse_x509(first.certificate_pem);
  const auto b = parse_x509(second.certificate_pem);
  CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.get()), X509_get0_serialNumber(b.get())) != 0);
}

TEST_CASE("Bad identity parameters are refused", "[identity]") {
  CHECK(generate_self_signed_identity("", kIdentityNotBefore, kValidity).error().code ==
        "identity.bad_common_name");
  CHECK(generate_self_signed_identity(std::string(65, 'x'), kIdentityNotBefore, kValidity).error().code ==
        "identity.bad_common_name");
  CHECK(generate_self_signed_identity("a\nb", kIdentityNotBefore, kValidity).error().code ==
        "identity.bad_common_name");
  CHECK(generate_self_signed_identity("ok", kIdentityNotBefore, std::chrono::seconds(0)).error().code ==
        "identity.bad_validity");
  CHECK(generate_self_signed_identity("ok", kIdentityNotBefore, std::chrono::seconds::max()).error().code ==
        "identity.bad_validity");
  CHECK(generate_self_signed_identity(std::string(64, 'x'), kIdentityNotBefore, kValidity).ok());
}

}  // namespace margo::test
