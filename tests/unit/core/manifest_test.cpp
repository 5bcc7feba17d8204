#include <catch2/catch.hpp>

#include <string>

#include "agent/core/manifest.hpp"

using namespace margo;

namespace {

const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(63, '0') + "1";

std::string manifest_with(const std::string& version, const std::string& bundle,
                          const std::string& deployments) {
  return R"({"manifestVersion":)" + version + R"(,"bundle":)" + bundle + R"(,"deployments":)" + deployments +
         "}";
}

std::string one_deployment(const std::string& id = "d-1", const std::string& digest = kDigestA) {
  return R"([{"deploymentId":")" + id + R"(","digest":")" + digest + R"(","url":"/x"}])";
}

std::string bundle(const std::string& digest = kDigestB,
                   const std::string& media_type = "application/vnd.margo.bundle.v1+tar+gzip") {
  return R"({"mediaType":")" + media_type + R"(","digest":")" + digest + R"(","url":"/b"})";
}

std::string manifest_error(const std::string& body) {
  auto parsed = parse_manifest(body);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == "manifest.invalid");
  CHECK(parsed.error().error_class == ErrorClass::security);
  return parsed.error().message;
}

}  // namespace

TEST_CASE("a well-formed manifest parses with its exact u64 version") {
  auto parsed = parse_manifest(manifest_with("18446744073709551615", bundle(), one_deployment()));
  REQUIRE(parsed.ok());
  CHECK(parsed->version == 18446744073709551615ULL);
  REQUIRE(parsed->bundle.has_value());
  CHECK(parsed->bundle->digest == kDigestB);
  REQUIRE(parsed->deployments.size() == 1);
  CHECK(parsed->deployments[0].deployment_id == "d-1");
  CHECK(parsed->deployments[0].url == "/x");

  auto empty = parse_manifest(manifest_with("1", "null", "[]"));
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->bundle.has_value());
  CHECK(empty->deployments.empty());
}

TEST_CASE("manifestVersion must be an integer in [1, 2^64-1]") {
  for (const char* bad : {"0", "-1", "1.0", "1e3", "\"7\"", "18446744073709551616", "null"}) {
    INFO(bad);
    CHECK_THAT(manifest_error(manifest_with(bad, "null", "[]")), Catch::Contains("manifestVersion"));
  }
  CHECK_THAT(manifest_error(R"({"bundle":null,"deployments":[]})"),
             Catch::Contains("manifestVersion: missing"));
}

TEST_CASE("digests must be exactly sha256 and 64 lowercase hex characters") {
  for (const std::string& bad :
       {"sha256:" + std::string(64, 'A'), "sha256:" + std::string(63, 'a'), "sha512:" + std::string(64, 'a'),
        "SHA256:" + std::string(64, 'a'), " sha256:" + std::string(64, 'a'),
        "sha256:" + std::string(64, 'a') + "\\n"}) {
    INFO(bad);
    CHECK_FALSE(is_sha256_digest(bad));
    CHECK_THAT(manifest_error(manifest_with("1", bundle(), one_deployment("d-1", bad))),
               Catch::Contains("digest"));
    CHECK_THAT(manifest_error(manifest_with("1", bundle(bad), one_deployment())),
               Catch::Contains("bundle.digest"));
  }
  CHECK(is_sha256_digest(kDigestA));
}

TEST_CASE("bundle is null exactly when there are no deployments") {
  CHECK_THAT(manifest_error(manifest_with("1", "null", one_deployment())), Catch::Contains("null although"));
  CHECK_THAT(manifest_error(manifest_with("1", bundle(), "[]")), Catch::Contains("present although"));
  CHECK_THAT(manifest_error(R"({"manifestVersion":1,"deployments":[]})"), Catch::Contains("bundle: missing"));
  CHECK_THAT(manifest_error(manifest_with("1", bundle(kDigestB, "application/zip"), one_deployment())),
             Catch::Contains("mediaType"));
}

TEST_CASE("deployment ids are URL-safe and unique") {
  const std::string twice = R"([{"deploymentId":"a","digest":")" + kDigestA + R"(","url":"/x"},)" +
                            R"({"deploymentId":"a","digest":")" + kDigestA + R"(","url":"/y"}])";
  CHECK_THAT(manifest_error(manifest_with("1", bundle(), twice)), Catch::Contains("listed twice"));
  for (const char* bad : {"../etc", "a/b", "", "a b", "x%2F"}) {
    INFO(bad);
    CHECK_THAT(manifest_error(manifest_with("1", bundle(), one_deployment(bad))),
               Catch::Contains("deploymentId"));
  }
  // Short ids are fine (the Go client crashed on ids under 8 characters).
  CHECK(parse_manifest(manifest_with("1", bundle(), one_deployment("a"))).ok());
}

TEST_CASE("garbage never parses and never throws") {
  for (const char* bad : {"", "{", "[]", "null", "{\"manifestVersion\":1,\"bundle\":null,\"deployments\":{}}",
                          "\xff\xfe", "{\"manifestVersion\":1,\"bundle\":null,\"deployments\":[1]}"}) {
    INFO(bad);
    CHECK_FALSE(parse_manifest(bad).ok());
  }
}
