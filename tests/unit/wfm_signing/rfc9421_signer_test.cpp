// The profile A request signer, checked by an independent verifier written here from RFC 9421 and
// RFC 9530: it recomputes the digest of the body it received and the signature base from the
// request it received.

#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <time.h>

#include <chrono>
#include <iostream>

#include "agent/core/encoding.hpp"
#include "agent/wfm/rfc9421_signer.hpp"
#include "test_support.hpp"

namespace margo::test {
namespace {

constexpr std::int64_t kCreated = 1735689600;
const std::string kKeyId = "7c1e4a52-0d7f-4a8e-9a43-bb2f8c0e51d2";

std::string test_side_content_digest(const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest, &length, EVP_sha256(), nullptr);
  return "sha-256=:" + base64_encode(std::string(reinterpret_cast<const char*>(digest), length)) + ":";
}

std::string quoted(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string expected_signature_params(std::string_view key_id) {
  return "(\"@method\" \"@target-uri\" \"content-digest\");created=" + std::to_string(kCreated) +
         ";keyid=" + quoted(key_id);
}

// What a WFM does with a received request: digest check, then signature check over the base it
// rebuilds from the message.
bool wfm_accepts(const HttpRequest& request, std::string_view algorithm, const std::string& public_key,
                 std::string_view key_id = kKeyId) {
  const auto digest = request.headers.get("Content-Digest");
  const auto input = request.headers.get("Signature-Input");
  const auto signature = request.headers.get("Signature");
  if (!digest || !input || !signature) return false;
  if (*digest != test_side_content_digest(request.body)) return false;
  if (*input != "sig1=" + expected_signature_params(key_id)) return false;
  const std::string base = "\"@method\": " + request.method + "\n\"@target-uri\": " + request.url +
                           "\n\"content-digest\": " + *digest +
                           "\n\"@signature-params\": " + expected_signature_params(key_id);
  if (signature->rfind("sig1=:", 0) != 0) return false;
  return verify_rfc9421(algorithm, public_key, base, signature_bytes(*signature));
}

HttpRequest status_request() {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://wfm.example.net:8443/api/v1/clients/7c1e/deployments/5f0c/status";
  request.headers.set("Content-Type", "application/json");
  request.body = "{\"hello\": \"world\"}";
  return request;
}

struct AlgorithmCase {
  SignatureAlgorithm algorithm;
  EVP_PKEY* key;
};

std::vector<AlgorithmCase> all_algorithms() {
  return {{SignatureAlgorithm::ecdsa_p256_sha256, ec_p256()},
          {SignatureAlgorithm::ecdsa_p384_sha384, ec_p384()},
          {SignatureAlgorithm::rsa_v1_5_sha256, rsa_2048()},
          {SignatureAlgorithm::rsa_pss_sha512, rsa_2048()}};
}

Rfc9421Signer signer_for(EVP_PKEY* key, SignatureAlgorithm algorithm) {
  auto loaded = SigningKey::from_pem(private_key_pem(key), "device.key");
  REQUIRE(loaded.ok());
  return Rfc9421Signer(*loaded, algorithm);
}

}  // namespace

TEST_CASE("Signed requests carry the profile A headers", "[signer]") {
  Rfc9421Signer signer = signer_for(ec_p256(), SignatureAlgorithm::ecdsa_p256_sha256);
  HttpRequest request = status_request();
  REQUIRE(signer.sign(request, kKeyId, kCreated).ok());
  CHECK(request.headers.get("Content-Digest") == "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
  CHECK(request.headers.get("Signature-Input") ==
        "sig1=(\"@method\" \"@target-uri\" \"content-digest\");created=1735689600;keyid=\"" + kKeyId + "\"");
  const auto signature = request.headers.get("Signature");
  REQUIRE(signature);
  CHECK(signature->rfind("sig1=:", 0) == 0);
  CHECK(signature->back() == ':');
  CHECK(signature_bytes(*signature).size() == 64);
  CHECK(request.headers.get("Content-Type") == "application/json");
}

TEST_CASE("Every algorithm's signature verifies, and fails after body, method or URL change", "[signer]") {
  for (const AlgorithmCase& c : all_algorithms()) {
    const std::string algorithm(to_string(c.algorithm));
    INFO(algorithm);
    Rfc9421Signer signer = signer_for(c.key, c.algorithm);
    const std::string public_key = public_key_pem(c.key);
    HttpRequest request = status_request();
    REQUIRE(signer.sign(request, kKeyId, kCreated).ok());
    CHECK(wfm_accepts(request, algorithm, public_key));

    HttpRequest body_changed = request;
    body_changed.body = "{\"hello\": \"World\"}";
    CHECK_FALSE(wfm_accepts(body_changed, algorithm, public_key));
    // Even with a Content-Digest recomputed to fit the new body, the signature no longer does.
    body_changed.headers.set("Content-Digest", test_side_content_digest(body_changed.body));
    CHECK_FALSE(wfm_accepts(body_changed, algorithm, public_key));

    HttpRequest method_changed = request;
    method_changed.method = "PUT";
    CHECK_FALSE(wfm_accepts(method_changed, algorithm, public_key));

    HttpRequest url_changed = request;
    url_changed.url = "https://wfm.example.net:8443/api/v1/clients/7c1e/deployments/5f0d/status";
    CHECK_FALSE(wfm_accepts(url_changed, algorithm, public_key));

    const Pkey other = generate_key("EC", "P-256");
    if (c.algorithm == SignatureAlgorithm::ecdsa_p256_sha256) {
      CHECK_FALSE(wfm_accepts(request, algorithm, public_key_pem(other.get())));
    }
  }
}

TEST_CASE("A GET without body is signed with the digest of the empty body", "[signer]") {
  Rfc9421Signer signer = signer_for(ec_p256(), SignatureAlgorithm::ecdsa_p256_sha256);
  HttpRequest request;
  request.method = "GET";
  request.url = "https://wfm.example.net/api/v1/clients/7c1e/deployments?watch=false";
  REQUIRE(signer.sign(request, kKeyId, kCreated).ok());
  CHECK(request.headers.get("Content-Digest") == "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  CHECK(wfm_accepts(request, "ecdsa-p256-sha256", public_key_pem(ec_p256())));
}

TEST_CASE("Signing again replaces the previous signature headers", "[signer]") {
  Rfc9421Signer signer = signer_for(ec_p256(), SignatureAlgorithm::ecdsa_p256_sha256);
  HttpRequest request = status_request();
  REQUIRE(signer.sign(request, kKeyId, kCreated - 100).ok());
  REQUIRE(signer.sign(request, kKeyId, kCreated).ok());
  int signature_fields = 0;
  for (const HttpHeader& field : request.headers)
    signature_fields += iequals(field.name, "Signature") ? 1 : 0;
  CHECK(signature_fields == 1);
  CHECK(wfm_accepts(request, "ecdsa-p256-sha256", public_key_pem(ec_p256())));
}

TEST_CASE("The keyid is escaped as an sf-string, and refused when it cannot be one", "[signer]") {
  Rfc9421Signer signer = signer_for(ec_p256(), SignatureAlgorithm::ecdsa_p256_sha256);
  SECTION("quote and backslash are escaped, and the signature covers the escaped form") {
    const std::string key_id = "dev\"ice\\1";
    HttpRequest request = status_request();
    REQUIRE(signer.sign(request, key_id, kCreated).ok());
    CHECK(
        request.headers.get("Signature-Input") ==
        "sig1=(\"@method\" \"@target-uri\" \"content-digest\");created=1735689600;keyid=\"dev\\\"ice\\\\1\"");
    CHECK(wfm_accepts(request, "ecdsa-p256-sha256", public_key_pem(ec_p256()), key_id));
  }
  SECTION("non-printable or non-ASCII key ids are errors, and nothing half-signed is left") {
    for (const std::string& key_id :
         {std::string("a\nb"), std::string("caf\xc3\xa9"), std::string("tab\there")}) {
      HttpRequest request = status_request();
      REQUIRE(signer.sign(request, kKeyId, kCreated).ok());
      const Status status = signer.sign(request, key_id, kCreated);
      REQUIRE_FALSE(status.ok());
      CHECK(status.error().code == "signing.bad_parameter");
      CHECK_THAT(status.error().message, Catch::Contains("keyid"));
      CHECK_FALSE(request.headers.has("Signature"));
      CHECK_FALSE(request.headers.has("Signature-Input"));
    }
  }
}

TEST_CASE("A URL that cannot be a target URI is an error, not a crash", "[signer]") {
  Rfc9421Signer signer = signer_for(ec_p256(), SignatureAlgorithm::ecdsa_p256_sha256);
  HttpRequest request = status_request();
  request.url = "wfm.example.net/api";
  const Status status = signer.sign(request, kKeyId, kCreated);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == "signing.bad_uri");
  CHECK_THAT(status.error().message, Catch::Contains("wfm.example.net/api"));
}

TEST_CASE("A signer whose key does not fit its algorithm fails every request", "[signer]") {
  Rfc9421Signer signer = signer_for(rsa_2048(), SignatureAlgorithm::ecdsa_p256_sha256);
  HttpRequest request = status_request();
  const Status status = signer.sign(request, kKeyId, kCreated);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().code == "signing.algorithm_mismatch");
}

// Thread CPU time as well as wall time: on a shared 2-core machine the wall figure mostly measures
// the other processes.
TEST_CASE("Signing cost per request (printed, not asserted)", "[signer][benchmark]") {
  const auto cpu_now = [] {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
  };
  for (const AlgorithmCase& c : all_algorithms()) {
    Rfc9421Signer signer = signer_for(c.key, c.algorithm);
    const int rounds = c.key == rsa_2048() ? 200 : 2000;
    HttpRequest request = status_request();
    const auto wall_start = std::chrono::steady_clock::now();
    const auto cpu_start = cpu_now();
    for (int i = 0; i < rounds; ++i) REQUIRE(signer.sign(request, kKeyId, kCreated + i).ok());
    const auto cpu = std::chrono::duration<double, std::micro>(cpu_now() - cpu_start);
    const auto wall =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - wall_start);
    std::cout << "Rfc9421Signer::sign " << to_string(c.algorithm) << ": " << cpu.count() / rounds
              << " us CPU, " << wall.count() / rounds << " us wall per request (" << rounds << " rounds)\n";
    REQUIRE(signer.sign(request, kKeyId, kCreated).ok());
    CHECK(wfm_accepts(request, to_string(c.algorithm), public_key_pem(c.key)));
  }
}

}  // namespace margo::test
