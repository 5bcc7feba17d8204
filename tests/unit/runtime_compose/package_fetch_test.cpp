// Fetching and verifying packages through a scripted HttpClient and the in-memory filesystem.

#include <catch2/catch.hpp>

#include "agent/core/encoding.hpp"
#include "agent/runtime/compose/package_source.hpp"
#include "scripted_http_client.hpp"
#include "sim/adapters/memory_filesystem.hpp"
#include "sim/adapters/virtual_executor.hpp"
#include "test_signing.hpp"

using namespace margo;
using namespace margo::test;

namespace {

const std::string kPackage = "services:\n  app:\n    image: margo-test/busybox:1\n";
const std::string kUrl = "https://dl.example/stack/compose.yaml";

struct FetchRig {
  Result<VerifiedPackage> fetch(const nlohmann::json& properties, std::size_t max_bytes = 1024 * 1024) {
    auto reference = read_package_reference(properties);
    REQUIRE(reference.ok());
    std::optional<Result<VerifiedPackage>> outcome;
    fetch_verified_package(http, fs, executor, *reference,
                           PackageFetchLimits{max_bytes, std::chrono::seconds(30)},
                           [&](Result<VerifiedPackage> result) { outcome = std::move(result); });
    CHECK_FALSE(outcome.has_value());  // never completes inline
    executor.run_until_idle();
    REQUIRE(outcome.has_value());
    return std::move(*outcome);
  }

  Error fetch_error(const nlohmann::json& properties, std::size_t max_bytes = 1024 * 1024) {
    auto result = fetch(properties, max_bytes);
    REQUIRE_FALSE(result.ok());
    return result.error();
  }

  VirtualExecutor executor;
  ScriptedHttpClient http{executor};
  MemoryFileSystem fs;
};

std::string digest_of(const std::string& bytes) {
  return "sha256:" + sha256_hex(bytes);
}

}  // namespace

TEST_CASE("a package is fetched over https and its digest checked over the exact bytes", "[compose][fetch]") {
  FetchRig rig;
  rig.http.serve(kUrl, 200, kPackage);
  auto fetched = rig.fetch({{"packageLocation", kUrl}, {"packageDigest", digest_of(kPackage)}});
  REQUIRE(fetched.ok());
  CHECK(fetched->bytes == kPackage);
  CHECK(fetched->sha256_hex == sha256_hex(kPackage));
  REQUIRE(rig.http.requests.size() == 1);
  CHECK(rig.http.requests[0].method == "GET");
  CHECK(rig.http.requests[0].max_response_bytes == 1024 * 1024);

  const Error mismatch =
      rig.fetch_error({{"packageLocation", kUrl}, {"packageDigest", digest_of(kPackage + " ")}});
  CHECK(mismatch.code == "compose.digest_mismatch");
  CHECK(mismatch.error_class == ErrorClass::security);
  CHECK_THAT(mismatch.message, Catch::Contains(sha256_hex(kPackage)));
}

TEST_CASE("download failures are classed by cause and name the URL without its query", "[compose][fetch]") {
  const std::string url = kUrl + "?token=s3cr3t";
  struct Case {
    int status;
    ErrorClass expected;
  };
  for (const Case& c :
       {Case{404, ErrorClass::permanent}, Case{403, ErrorClass::permanent}, Case{410, ErrorClass::permanent},
        Case{503, ErrorClass::retryable}, Case{500, ErrorClass::retryable}, Case{429, ErrorClass::retryable},
        Case{408, ErrorClass::retryable}}) {
    INFO(c.status);
    FetchRig rig;
    rig.http.serve(url, c.status, "body");
    const Error error = rig.fetch_error({{"packageLocation", url}});
    CHECK(error.code == "compose.package_fetch_failed");
    CHECK(error.error_class == c.expected);
    CHECK(error.http_status == c.status);
    CHECK_THAT(error.message, Catch::Contains(kUrl) && Catch::Contains(std::to_string(c.status)) &&
                                  !Catch::Contains("s3cr3t"));
  }
  FetchRig rig;
  rig.http.fail(url, retryable_error("http.connect_failed", "connection refused"));
  const Error network = rig.fetch_error({{"packageLocation", url}});
  CHECK(network.code == "compose.package_fetch_failed");
  CHECK(network.retryable());
  CHECK_THAT(network.message, !Catch::Contains("s3cr3t"));
  rig.http.fail(url, security_error("http.tls_failed", "certificate verify failed"));
  CHECK(rig.fetch_error({{"packageLocation", url}}).error_class == ErrorClass::security);
}

TEST_CASE("packages over the size limit are refused, from the network and from files", "[compose][fetch]") {
  FetchRig rig;
  rig.http.serve(kUrl, 200, std::string(2000, 'x'));
  const Error error = rig.fetch_error({{"packageLocation", kUrl}}, 1000);
  CHECK(error.code == "compose.package_too_large");
  CHECK(error.error_class == ErrorClass::permanent);

  REQUIRE(rig.fs.create_directories("/opt/pkg", 0755).ok());
  REQUIRE(rig.fs.write_file("/opt/pkg/compose.yaml", std::string(2000, 'x'), 0644).ok());
  CHECK(rig.fetch_error({{"packageLocation", "/opt/pkg/compose.yaml"}}, 1000).code ==
        "compose.package_too_large");
}

TEST_CASE("local packages are read through the FileSystem port", "[compose][fetch]") {
  FetchRig rig;
  REQUIRE(rig.fs.create_directories("/opt/pkg", 0755).ok());
  REQUIRE(rig.fs.write_file("/opt/pkg/compose.yaml", kPackage, 0644).ok());
  for (const std::string location : {"/opt/pkg/compose.yaml", "file:///opt/pkg/compose.yaml"}) {
    auto fetched = rig.fetch({{"packageLocation", location}});
    REQUIRE(fetched.ok());
    CHECK(fetched->bytes == kPackage);
  }
  const Error missing = rig.fetch_error({{"packageLocation", "/opt/pkg/absent.yaml"}});
  CHECK(missing.code == "compose.package_fetch_failed");
  CHECK(missing.error_class == ErrorClass::permanent);
  CHECK(rig.http.requests.empty());
}

TEST_CASE("plain http works with a digest, and redirects are followed but never downgraded",
          "[compose][fetch]") {
  FetchRig rig;
  rig.http.serve("http://mirror.example/c.yaml", 200, kPackage);
  CHECK(
      rig.fetch({{"packageLocation", "http://mirror.example/c.yaml"}, {"packageDigest", digest_of(kPackage)}})
          .ok());

  rig.http.serve(kUrl, 302, "", {{"Location", "/cdn/compose.yaml"}});
  rig.http.serve("https://dl.example/cdn/compose.yaml", 200, kPackage);
  CHECK(rig.fetch({{"packageLocation", kUrl}}).ok());

  rig.http.serve(kUrl, 301, "", {{"Location", "http://dl.example/plain.yaml"}});
  rig.http.serve("http://dl.example/plain.yaml", 200, kPackage);
  CHECK(rig.fetch_error({{"packageLocation", kUrl}}).code == "compose.insecure_location");
  CHECK(rig.fetch({{"packageLocation", kUrl}, {"packageDigest", digest_of(kPackage)}}).ok());

  rig.http.serve(kUrl, 302, "", {{"Location", kUrl}});  // a loop
  CHECK(rig.fetch_error({{"packageLocation", kUrl}}).code == "compose.package_fetch_failed");
}

TEST_CASE("a signed package is accepted with its key, ECDSA P-256 and RSA", "[compose][signature]") {
  for (const auto& key : {TestSigningKey::ec_p256(), TestSigningKey::rsa(2048)}) {
    FetchRig rig;
    rig.http.serve(kUrl, 200, kPackage);
    rig.http.serve(kUrl + ".sig", 200, key.sign(kPackage));
    rig.http.serve("https://dl.example/key.pem", 200, key.public_pem());
    auto fetched = rig.fetch({{"packageLocation", kUrl}, {"keyLocation", "https://dl.example/key.pem"}});
    REQUIRE(fetched.ok());
    CHECK(fetched->bytes == kPackage);
  }
}

TEST_CASE("a bad, missing or foreign signature means the package is never used", "[compose][signature]") {
  const auto key = TestSigningKey::ec_p256();
  const auto other = TestSigningKey::ec_p256();
  const nlohmann::json properties = {{"packageLocation", kUrl},
                                     {"keyLocation", "https://dl.example/key.pem"}};
  auto signature_error = [&](const std::function<void(FetchRig&)>& setup) {
    FetchRig rig;
    rig.http.serve(kUrl, 200, kPackage);
    rig.http.serve(kUrl + ".sig", 200, key.sign(kPackage));
    rig.http.serve("https://dl.example/key.pem", 200, key.public_pem());
    setup(rig);
    return rig.fetch_error(properties);
  };
  const std::vector<std::pair<std::string, std::function<void(FetchRig&)>>> cases = {
      {"signature of other bytes",
       [&](FetchRig& rig) { rig.http.serve(kUrl + ".sig", 200, key.sign(kPackage + "x")); }},
      {"signed by another key",
       [&](FetchRig& rig) { rig.http.serve(kUrl + ".sig", 200, other.sign(kPackage)); }},
      {"package changed", [&](FetchRig& rig) { rig.http.serve(kUrl, 200, kPackage + "# changed\n"); }},
      {"no signature file", [&](FetchRig& rig) { rig.http.serve(kUrl + ".sig", 404, ""); }},
      {"empty signature", [&](FetchRig& rig) { rig.http.serve(kUrl + ".sig", 200, ""); }},
      {"garbage signature", [&](FetchRig& rig) { rig.http.serve(kUrl + ".sig", 200, std::string(72, 'z')); }},
      {"PGP key",
       [&](FetchRig& rig) {
         rig.http.serve("https://dl.example/key.pem", 200, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n...\n");
       }},
      {"not a key", [&](FetchRig& rig) { rig.http.serve("https://dl.example/key.pem", 200, "hello"); }},
      {"weak RSA key",
       [&](FetchRig& rig) {
         const auto weak = TestSigningKey::rsa(1024);
         rig.http.serve("https://dl.example/key.pem", 200, weak.public_pem());
         rig.http.serve(kUrl + ".sig", 200, weak.sign(kPackage));
       }},
  };
  for (const auto& [name, setup] : cases) {
    INFO(name);
    const Error error = signature_error(setup);
    CHECK(error.code == "compose.signature_invalid");
    CHECK(error.error_class == ErrorClass::security);
  }
  // A signature server that is down is a retryable fetch failure, not a verdict on the package.
  const Error down = signature_error([&](FetchRig& rig) { rig.http.serve(kUrl + ".sig", 503, ""); });
  CHECK(down.code == "compose.package_fetch_failed");
  CHECK(down.retryable());
}

TEST_CASE("digest and signature are both checked when both are given", "[compose][signature]") {
  const auto key = TestSigningKey::ec_p256();
  FetchRig rig;
  rig.http.serve(kUrl, 200, kPackage);
  rig.http.serve(kUrl + ".sig", 200, key.sign(kPackage));
  rig.http.serve("https://dl.example/key.pem", 200, key.public_pem());
  CHECK(rig.fetch({{"packageLocation", kUrl},
                   {"keyLocation", "https://dl.example/key.pem"},
                   {"packageDigest", digest_of(kPackage)}})
            .ok());
  CHECK(rig.fetch_error({{"packageLocation", kUrl},
                         {"keyLocation", "https://dl.example/key.pem"},
                         {"packageDigest", digest_of("other")}})
            .code == "compose.digest_mismatch");
}
