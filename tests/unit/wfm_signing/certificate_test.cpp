// The device certificate: parsing, fields, and whether it belongs to the signing key.

#include <catch2/catch.hpp>

#include "agent/wfm/certificate.hpp"
#include "test_support.hpp"

namespace margo::test {
namespace {

constexpr std::int64_t kNotBefore = 1735689600;  // 2025-01-01T00:00:00Z
constexpr std::int64_t kNotAfter = 1767225599;   // 2025-12-31T23:59:59Z

WallTime at(std::int64_t unix_seconds) {
  return WallTime(std::chrono::seconds(unix_seconds));
}

Certificate parse(const std::string& pem) {
  auto certificate = Certificate::from_pem(pem, "device.crt");
  REQUIRE(certificate.ok());
  return *certificate;
}

SigningKey key_for(EVP_PKEY* key) {
  auto loaded = SigningKey::from_pem(private_key_pem(key), "device.key");
  REQUIRE(loaded.ok());
  return *loaded;
}

}  // namespace

TEST_CASE("A certificate's fields are read back", "[certificate]") {
  const Certificate certificate =
      parse(certificate_pem(ec_p256(), rsa_2048(), "device-001", kNotBefore, kNotAfter));
  CHECK(certificate.subject_common_name() == "device-001");
  CHECK(certificate.not_before() == at(kNotBefore));
  CHECK(certificate.not_after() == at(kNotAfter));
  CHECK(certificate.public_key_der() == public_key_der(ec_p256()));
  CHECK(certificate.der().substr(0, 1) == "\x30");  // a DER SEQUENCE
  CHECK(certificate.der().size() > certificate.public_key_der().size());
  // Re-reading the DER as PEM gives the same certificate.
  const Certificate again =
      parse(certificate_pem(ec_p256(), rsa_2048(), "device-001", kNotBefore, kNotAfter));
  CHECK(again.public_key_der() == certificate.public_key_der());
}

TEST_CASE("Dates after 2049 (GeneralizedTime) and a UTF-8 common name", "[certificate]") {
  constexpr std::int64_t k2100 = 4102444800;  // 2100-01-01T00:00:00Z
  const Certificate certificate = parse(certificate_pem(ec_p256(), ec_p256(), "Gerät 7", kNotBefore, k2100));
  CHECK(certificate.not_after() == at(k2100));
  CHECK(certificate.subject_common_name() == "Gerät 7");
}

TEST_CASE("matches() tells the device's own certificate from another", "[certificate]") {
  const Certificate ec_certificate = parse(certificate_pem(ec_p256(), ec_p256(), "d", kNotBefore, kNotAfter));
  const Certificate rsa_certificate =
      parse(certificate_pem(rsa_2048(), ec_p256(), "d", kNotBefore, kNotAfter));
  const Pkey other_p256 = generate_key("EC", "P-256");

  CHECK(ec_certificate.matches(key_for(ec_p256())));
  CHECK(rsa_certificate.matches(key_for(rsa_2048())));
  CHECK_FALSE(ec_certificate.matches(key_for(other_p256.get())));
  CHECK_FALSE(ec_certificate.matches(key_for(ec_p384())));
  CHECK_FALSE(ec_certificate.matches(key_for(rsa_2048())));
  CHECK_FALSE(rsa_certificate.matches(key_for(ec_p256())));
}

TEST_CASE("An RSA-PSS key matches a certificate holding its rsaEncryption public key",
          "[certificate][rfc9421]") {
  const Pkey rfc_public = parse_public_key(rfc9421_file("test-key-rsa-pss.public.pem"));
  REQUIRE(rfc_public);
  const Certificate certificate =
      parse(certificate_pem(rfc_public.get(), ec_p256(), "pss", kNotBefore, kNotAfter));
  auto pss_key = SigningKey::from_pem(rfc9421_file("test-key-rsa-pss.private.pem"), "test-key-rsa-pss");
  REQUIRE(pss_key.ok());
  CHECK(certificate.public_key_der() != pss_key->public_key_der());  // different OIDs
  CHECK(certificate.matches(*pss_key));
  CHECK_FALSE(certificate.matches(key_for(rsa_2048())));
}

TEST_CASE("Unreadable certificates are errors naming the file", "[certificate]") {
  for (const std::string& pem :
       {std::string("garbage"), std::string(), private_key_pem(ec_p256()),
        std::string("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")}) {
    auto certificate = Certificate::from_pem(pem, "/etc/margo/device.crt");
    REQUIRE_FALSE(certificate.ok());
    CHECK(certificate.error().code == "certificate.invalid");
    CHECK_THAT(certificate.error().message, Catch::Contains("/etc/margo/device.crt"));
  }
}

TEST_CASE("load_certificate reads through the FileSystem port", "[certificate]") {
  MemoryFileSystem fs;
  fs.files["/etc/margo/device.crt"] = certificate_pem(ec_p256(), ec_p256(), "dev", kNotBefore, kNotAfter);
  auto certificate = load_certificate(fs, "/etc/margo/device.crt");
  REQUIRE(certificate.ok());
  CHECK(certificate->subject_common_name() == "dev");

  auto missing = load_certificate(fs, "/etc/margo/other.crt");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "certificate.not_found");
  CHECK_THAT(missing.error().message, Catch::Contains("/etc/margo/other.crt"));
}

}  // namespace margo::test
