// Loading the device's private key: accepted formats, the key id, and a clear error for each key
// that cannot sign Margo requests.

#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include "agent/core/encoding.hpp"
#include "agent/wfm/signing_key.hpp"
#include "test_support.hpp"

namespace margo::test {
namespace {

Error load_error(const std::string& pem, std::string_view source = "/etc/margo/device.key") {
  auto key = SigningKey::from_pem(pem, source);
  REQUIRE_FALSE(key.ok());
  CHECK_THAT(key.error().message, Catch::Contains(std::string(source)));
  CHECK(key.error().error_class == ErrorClass::permanent);
  return key.error();
}

std::string test_side_sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace

TEST_CASE("Private keys load from PKCS#8 and traditional PEM", "[signing_key]") {
  struct Case {
    const char* name;
    EVP_PKEY* key;
    KeyType type;
    int bits;
  };
  const Case cases[] = {{"RSA-2048", rsa_2048(), KeyType::rsa, 2048},
                        {"EC P-256", ec_p256(), KeyType::ec_p256, 256},
                        {"EC P-384", ec_p384(), KeyType::ec_p384, 384}};
  for (const Case& c : cases) {
    for (const PemFormat format : {PemFormat::pkcs8, PemFormat::traditional}) {
      INFO(c.name << (format == PemFormat::pkcs8 ? " PKCS#8" : " traditional"));
      auto key = SigningKey::from_pem(private_key_pem(c.key, format), "key.pem");
      REQUIRE(key.ok());
      CHECK(key->type() == c.type);
      CHECK(key->bits() == c.bits);
      CHECK(key->public_key_der() == public_key_der(c.key));
    }
  }
}

TEST_CASE("A combined PEM with a certificate before the key still finds the key", "[signing_key]") {
  const std::string pem =
      certificate_pem(ec_p256(), ec_p256(), "device", 0, 100) + private_key_pem(ec_p256());
  auto key = SigningKey::from_pem(pem, "combined.pem");
  REQUIRE(key.ok());
  CHECK(key->public_key_der() == public_key_der(ec_p256()));
}

TEST_CASE("key_id is the lowercase hex SHA-256 of the SubjectPublicKeyInfo DER", "[signing_key]") {
  auto pkcs8 = SigningKey::from_pem(private_key_pem(ec_p256()), "a.pem");
  auto traditional = SigningKey::from_pem(private_key_pem(ec_p256(), PemFormat::traditional), "b.pem");
  REQUIRE(pkcs8.ok());
  REQUIRE(traditional.ok());
  CHECK(pkcs8->key_id() == test_side_sha256_hex(public_key_der(ec_p256())));
  CHECK(pkcs8->key_id().size() == 64);
  CHECK(pkcs8->key_id().find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(traditional->key_id() == pkcs8->key_id());
  auto other = SigningKey::from_pem(private_key_pem(ec_p384()), "c.pem");
  REQUIRE(other.ok());
  CHECK(other->key_id() != pkcs8->key_id());
}

TEST_CASE("Keys that cannot sign Margo requests are rejected with the file named", "[signing_key]") {
  SECTION("garbage") {
    const Error error = load_error("this is not a key\n");
    CHECK(error.code == "key.invalid");
  }
  SECTION("an empty file") {
    CHECK(load_error("").code == "key.invalid");
  }
  SECTION("a public key instead of a private key") {
    CHECK(load_error(public_key_pem(ec_p256())).code == "key.invalid");
  }
  SECTION("a truncated PEM") {
    const std::string pem = private_key_pem(ec_p256());
    CHECK(load_error(pem.substr(0, pem.size() / 2)).code == "key.invalid");
  }
  SECTION("encrypted PKCS#8") {
    const Error error = load_error(private_key_pem(ec_p256(), PemFormat::pkcs8_encrypted));
    CHECK(error.code == "key.encrypted");
    CHECK_THAT(error.message, Catch::Contains("decrypt it first"));
  }
  SECTION("encrypted traditional PEM") {
    const Error error = load_error(private_key_pem(rsa_2048(), PemFormat::traditional_encrypted));
    CHECK(error.code == "key.encrypted");
    CHECK_THAT(error.message, Catch::Contains("decrypt it first"));
  }
  SECTION("RSA below 2048 bits") {
    const Pkey small = generate_key("RSA", "1024");
    const Error error = load_error(private_key_pem(small.get()));
    CHECK(error.code == "key.too_small");
    CHECK_THAT(error.message, Catch::Contains("1024"));
  }
  SECTION("EC curves other than P-256 and P-384") {
    for (const char* curve : {"P-521", "secp256k1"}) {
      INFO(curve);
      const Pkey key = generate_key("EC", curve);
      const Error error = load_error(private_key_pem(key.get()));
      CHECK(error.code == "key.unsupported");
      CHECK_THAT(error.message, Catch::Contains("P-256 or P-384"));
    }
  }
  SECTION("Ed25519, which is not in the Margo algorithm list") {
    const Pkey key = generate_key("ED25519");
    const Error error = load_error(private_key_pem(key.get()));
    CHECK(error.code == "key.unsupported");
    CHECK_THAT(error.message, Catch::Contains("ED25519"));
  }
}

TEST_CASE("load_signing_key reads through the FileSystem port", "[signing_key]") {
  MemoryFileSystem fs;
  fs.files["/var/lib/margo/device.key"] = private_key_pem(ec_p256());
  fs.files["/var/lib/margo/broken.key"] = "garbage";

  auto key = load_signing_key(fs, "/var/lib/margo/device.key");
  REQUIRE(key.ok());
  CHECK(key->type() == KeyType::ec_p256);

  auto missing = load_signing_key(fs, "/var/lib/margo/missing.key");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "key.not_found");
  CHECK_THAT(missing.error().message, Catch::Contains("/var/lib/margo/missing.key"));
  CHECK_THAT(missing.error().message, Catch::Contains("does not exist"));

  auto broken = load_signing_key(fs, "/var/lib/margo/broken.key");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code == "key.invalid");
  CHECK_THAT(broken.error().message, Catch::Contains("/var/lib/margo/broken.key"));
}

TEST_CASE("A loaded key copies cheaply and stays usable after the original is gone", "[signing_key]") {
  std::optional<SigningKey> copy;
  {
    auto key = SigningKey::from_pem(private_key_pem(ec_p256()), "a.pem");
    REQUIRE(key.ok());
    copy.emplace(*key);
  }
  CHECK(copy->native() != nullptr);
  CHECK(copy->public_key_der() == public_key_der(ec_p256()));
}

}  // namespace margo::test
