// The RFC 9421 appendix B test vectors themselves: the transcription in tests/data/rfc9421 is only
// trusted because every signature verifies against its base with the RFC's public key.

#include <catch2/catch.hpp>

#include "agent/wfm/signing_key.hpp"
#include "test_support.hpp"

namespace margo::test {
namespace {

struct Vector {
  const char* section;
  const char* algorithm;
  const char* public_key;
};

constexpr Vector kVectors[] = {
    {"b2.1", "rsa-pss-sha512", "test-key-rsa-pss.public.pem"},
    {"b2.2", "rsa-pss-sha512", "test-key-rsa-pss.public.pem"},
    {"b2.3", "rsa-pss-sha512", "test-key-rsa-pss.public.pem"},
    {"b2.4", "ecdsa-p256-sha256", "test-key-ecc-p256.public.pem"},
};

std::string base_of(const Vector& vector) {
  return rfc9421_file(std::string(vector.section) + ".signature-base.txt");
}
std::string signature_of(const Vector& vector) {
  return signature_bytes(rfc9421_file(std::string(vector.section) + ".signature.txt"));
}

}  // namespace

TEST_CASE("RFC 9421 B.2.1-B.2.4 signatures verify against their bases", "[rfc9421][vectors]") {
  for (const Vector& vector : kVectors) {
    INFO(vector.section);
    CHECK(verify_rfc9421(vector.algorithm, rfc9421_file(vector.public_key), base_of(vector),
                         signature_of(vector)));
  }
}

TEST_CASE("RFC 9421 vector signatures fail on any other base", "[rfc9421][vectors]") {
  for (const Vector& vector : kVectors) {
    INFO(vector.section);
    CHECK_FALSE(verify_rfc9421(vector.algorithm, rfc9421_file(vector.public_key), base_of(vector) + "\n",
                               signature_of(vector)));
    std::string flipped = base_of(vector);
    flipped[flipped.size() / 2] ^= 0x01;
    CHECK_FALSE(
        verify_rfc9421(vector.algorithm, rfc9421_file(vector.public_key), flipped, signature_of(vector)));
  }
  CHECK_FALSE(verify_rfc9421("rsa-pss-sha512", rfc9421_file("test-key-rsa-pss.public.pem"),
                             base_of(kVectors[1]), signature_of(kVectors[0])));
}

TEST_CASE("Signature-Input values carry the @signature-params of their bases", "[rfc9421][vectors]") {
  for (const Vector& vector : kVectors) {
    INFO(vector.section);
    const std::string input = rfc9421_file(std::string(vector.section) + ".signature-input.txt");
    const std::string base = base_of(vector);
    const std::string params_line_prefix = "\"@signature-params\": ";
    const auto params = base.substr(base.rfind(params_line_prefix) + params_line_prefix.size());
    CHECK(input.substr(input.find('=') + 1) == params);
  }
}

TEST_CASE("The RFC test keys load as signing keys", "[rfc9421][vectors]") {
  SECTION("test-key-rsa-pss: PKCS#8 with the RSASSA-PSS OID") {
    auto key =
        SigningKey::from_pem(rfc9421_file("test-key-rsa-pss.private.pem"), "test-key-rsa-pss.private.pem");
    REQUIRE(key.ok());
    CHECK(key->type() == KeyType::rsa_pss);
    CHECK(key->bits() == 2048);
  }
  SECTION("test-key-ecc-p256: traditional EC PEM") {
    auto key =
        SigningKey::from_pem(rfc9421_file("test-key-ecc-p256.private.pem"), "test-key-ecc-p256.private.pem");
    REQUIRE(key.ok());
    CHECK(key->type() == KeyType::ec_p256);
    CHECK(key->public_key_der() ==
          public_key_der(parse_public_key(rfc9421_file("test-key-ecc-p256.public.pem")).get()));
  }
}

}  // namespace margo::test
