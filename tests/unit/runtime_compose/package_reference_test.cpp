#include <catch2/catch.hpp>

#include "agent/runtime/compose/package_reference.hpp"

using namespace margo;

namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

Error reference_error(const nlohmann::json& properties) {
  auto reference = read_package_reference(properties);
  REQUIRE_FALSE(reference.ok());
  CHECK(reference.error().error_class == ErrorClass::permanent);
  return reference.error();
}

}  // namespace

TEST_CASE("https, local paths and file URLs are package locations", "[compose][reference]") {
  auto https = read_package_reference({{"packageLocation", "https://dl.example/stack.tar.gz?token=s3cr3t"}});
  REQUIRE(https.ok());
  CHECK(https->package.kind == LocationKind::https);
  CHECK(https->package.target == "https://dl.example/stack.tar.gz?token=s3cr3t");
  CHECK(https->package.display == "https://dl.example/stack.tar.gz");
  // The signature sits next to the package; a query string stays at the end.
  CHECK(https->signature.target == "https://dl.example/stack.tar.gz.sig?token=s3cr3t");
  CHECK_FALSE(https->digest);
  CHECK_FALSE(https->key);

  auto path = read_package_reference({{"packageLocation", "/opt/packages/compose.yaml"}});
  REQUIRE(path.ok());
  CHECK(path->package.kind == LocationKind::file);
  CHECK(path->package.target == "/opt/packages/compose.yaml");
  CHECK(path->signature.target == "/opt/packages/compose.yaml.sig");

  for (const std::string url : {"file:///opt/p/compose.yaml", "file://localhost/opt/p/compose.yaml"}) {
    auto file = read_package_reference({{"packageLocation", url}});
    REQUIRE(file.ok());
    CHECK(file->package.kind == LocationKind::file);
    CHECK(file->package.target == "/opt/p/compose.yaml");
  }
}

TEST_CASE("digest and key are read and checked", "[compose][reference]") {
  auto reference = read_package_reference({{"packageLocation", "https://dl.example/c.yaml"},
                                           {"packageDigest", kDigest},
                                           {"keyLocation", "https://dl.example/key.pem"}});
  REQUIRE(reference.ok());
  CHECK(reference->digest == std::string(64, 'a'));
  REQUIRE(reference->key);
  CHECK(reference->key->target == "https://dl.example/key.pem");

  for (const nlohmann::json& bad :
       {nlohmann::json("sha256:" + std::string(63, 'a')), nlohmann::json("sha256:" + std::string(64, 'A')),
        nlohmann::json("sha512:" + std::string(64, 'a')), nlohmann::json(42)}) {
    INFO(bad.dump());
    CHECK(reference_error({{"packageLocation", "https://x/c.yaml"}, {"packageDigest", bad}}).code ==
          "component.invalid_property");
  }
}

TEST_CASE("plain http is accepted only with a digest", "[compose][reference]") {
  const Error error = reference_error({{"packageLocation", "http://dl.example/c.yaml?token=s3cr3t"}});
  CHECK(error.code == "compose.insecure_location");
  CHECK_THAT(error.message, Catch::Contains("packageDigest") && !Catch::Contains("s3cr3t"));
  CHECK(read_package_reference({{"packageLocation", "http://dl.example/c.yaml"}, {"packageDigest", kDigest}})
            .ok());
  CHECK(reference_error(
            {{"packageLocation", "https://dl.example/c.yaml"}, {"keyLocation", "http://dl.example/k.pem"}})
            .code == "compose.insecure_location");
}

TEST_CASE("unusable locations are refused with the property named", "[compose][reference]") {
  CHECK_THAT(reference_error(nlohmann::json::object()).message, Catch::Contains("packageLocation"));
  CHECK_THAT(reference_error({{"repository", "oci://r.example/x"}}).message, Catch::Contains("OCI"));
  CHECK_THAT(reference_error(nlohmann::json::array()).message, Catch::Contains("object"));
  for (const nlohmann::json& bad :
       {nlohmann::json(5), nlohmann::json("relative/compose.yaml"), nlohmann::json("ftp://x/c.yaml"),
        nlohmann::json("https://"), nlohmann::json("https://user:pw@x/c.yaml"),
        nlohmann::json("https://x/c.yaml#f"), nlohmann::json("https://x/a b.yaml"),
        nlohmann::json("file://host/c.yaml"), nlohmann::json("file:///a%20b"), nlohmann::json("")}) {
    INFO(bad.dump());
    const Error error = reference_error({{"packageLocation", bad}});
    CHECK(error.code == "component.invalid_property");
    CHECK_THAT(error.message, Catch::Contains("packageLocation") && !Catch::Contains("pw@"));
  }
  CHECK_THAT(reference_error({{"packageLocation", "https://x/c.yaml"}, {"keyLocation", 7}}).message,
             Catch::Contains("keyLocation"));
}
