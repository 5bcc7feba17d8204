// Algorithm choice from configuration, and the signatures each algorithm makes.

#include <catch2/catch.hpp>

#include "agent/wfm/signature_algorithm.hpp"
#include "test_support.hpp"

namespace margo::test {
namespace {

SigningKey load(EVP_PKEY* key) {
  auto loaded = SigningKey::from_pem(private_key_pem(key), "test.pem");
  REQUIRE(loaded.ok());
  return *loaded;
}

SigningKey load_rfc(std::string_view name) {
  auto loaded = SigningKey::from_pem(rfc9421_file(name), name);
  REQUIRE(loaded.ok());
  return *loaded;
}

std::string resolved(std::string_view configured, const SigningKey& key) {
  auto algorithm = resolve_signature_algorithm(configured, key);
  return algorithm.ok() ? std::string(to_string(*algorithm)) : algorithm.error().code;
}

}  // namespace

TEST_CASE("Configured algorithm names resolve against the key", "[signature_algorithm]") {
  const SigningKey rsa = load(rsa_2048());
  const SigningKey rsa_pss = load_rfc("test-key-rsa-pss.private.pem");
  const SigningKey p256 = load(ec_p256());
  const SigningKey p384 = load(ec_p384());

  struct Row {
    const char* configured;
    const SigningKey& key;
    const char* expected;
  };
  const Row table[] = {
      {"ecdsa", p256, "ecdsa-p256-sha256"},
      {"ecdsa", p384, "ecdsa-p384-sha384"},
      {"ecdsa", rsa, "signing.algorithm_mismatch"},
      {"ecdsa-p256-sha256", p256, "ecdsa-p256-sha256"},
      {"ecdsa-p256-sha256", p384, "signing.algorithm_mismatch"},
      {"ecdsa-p384-sha384", p384, "ecdsa-p384-sha384"},
      {"ecdsa-p384-sha384", p256, "signing.algorithm_mismatch"},
      {"rsa", rsa, "rsa-v1_5-sha256"},
      {"rsa", p256, "signing.algorithm_mismatch"},
      {"rsa", rsa_pss, "signing.algorithm_mismatch"},
      {"rsa-v1_5-sha256", rsa, "rsa-v1_5-sha256"},
      {"rsa-pss", rsa, "rsa-pss-sha512"},
      {"rsa-pss", rsa_pss, "rsa-pss-sha512"},
      {"rsa-pss", p384, "signing.algorithm_mismatch"},
      {"rsa-pss-sha512", rsa_pss, "rsa-pss-sha512"},
      {"rsa-pss-sha256", rsa, "signing.unknown_algorithm"},
      {"ed25519", p256, "signing.unknown_algorithm"},
      {"ECDSA", p256, "signing.unknown_algorithm"},
      {"", p256, "signing.unknown_algorithm"},
  };
  for (const Row& row : table) {
    INFO(row.configured << " with " << to_string(row.key.type()));
    CHECK(resolved(row.configured, row.key) == row.expected);
  }
  auto mismatch = resolve_signature_algorithm("ecdsa-p384-sha384", p256);
  REQUIRE_FALSE(mismatch.ok());
  CHECK_THAT(mismatch.error().message, Catch::Contains("ecdsa-p384-sha384") && Catch::Contains("EC P-256"));
  auto unknown = resolve_signature_algorithm("hmac-sha256", p256);
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.error().message, Catch::Contains("hmac-sha256") && Catch::Contains("rsa-pss"));
}

TEST_CASE("Each algorithm signs so that an independent verifier accepts it", "[signature_algorithm]") {
  struct Case {
    SignatureAlgorithm algorithm;
    EVP_PKEY* key;
    std::size_t signature_size;
  };
  const Case cases[] = {{SignatureAlgorithm::ecdsa_p256_sha256, ec_p256(), 64},
                        {SignatureAlgorithm::ecdsa_p384_sha384, ec_p384(), 96},
                        {SignatureAlgorithm::rsa_v1_5_sha256, rsa_2048(), 256},
                        {SignatureAlgorithm::rsa_pss_sha512, rsa_2048(), 256}};
  const std::string message = "\"@method\": POST\n\"@signature-params\": (\"@method\");created=1";
  for (const Case& c : cases) {
    INFO(to_string(c.algorithm));
    const SigningKey key = load(c.key);
    // Several runs: a raw r||s with a short r or s must still be padded to its fixed width.
    for (int run = 0; run < 20; ++run) {
      auto signature = sign_message(key, c.algorithm, message);
      REQUIRE(signature.ok());
      CHECK(signature->size() == c.signature_size);
      CHECK(verify_rfc9421(to_string(c.algorithm), public_key_pem(c.key), message, *signature));
      CHECK_FALSE(verify_rfc9421(to_string(c.algorithm), public_key_pem(c.key), message + " ", *signature));
    }
  }
}

TEST_CASE("The RFC test keys sign verifiably with their RFC public keys", "[signature_algorithm][rfc9421]") {
  const std::string base = rfc9421_file("b2.3.signature-base.txt");
  auto pss = sign_message(load_rfc("test-key-rsa-pss.private.pem"), SignatureAlgorithm::rsa_pss_sha512, base);
  REQUIRE(pss.ok());
  CHECK(verify_rfc9421("rsa-pss-sha512", rfc9421_file("test-key-rsa-pss.public.pem"), base, *pss));
  auto ecdsa =
      sign_message(load_rfc("test-key-ecc-p256.private.pem"), SignatureAlgorithm::ecdsa_p256_sha256, base);
  REQUIRE(ecdsa.ok());
  CHECK(verify_rfc9421("ecdsa-p256-sha256", rfc9421_file("test-key-ecc-p256.public.pem"), base, *ecdsa));
}

TEST_CASE("Signing with a key that does not fit the algorithm fails cleanly", "[signature_algorithm]") {
  auto signature = sign_message(load(rsa_2048()), SignatureAlgorithm::ecdsa_p256_sha256, "x");
  REQUIRE_FALSE(signature.ok());
  CHECK(signature.error().code == "signing.algorithm_mismatch");
  auto pss_only =
      sign_message(load_rfc("test-key-rsa-pss.private.pem"), SignatureAlgorithm::rsa_v1_5_sha256, "x");
  REQUIRE_FALSE(pss_only.ok());
  CHECK(pss_only.error().code == "signing.algorithm_mismatch");
}

}  // namespace margo::test
