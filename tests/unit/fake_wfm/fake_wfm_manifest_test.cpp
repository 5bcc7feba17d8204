#include <catch2/catch.hpp>

#include "bundle_reader.hpp"
#include "wfm_fixture.hpp"

using namespace margo;
using namespace margo::testing;

namespace {

const std::string yaml_a = "apiVersion: application.margo.org/v1alpha1\nkind: ApplicationDeployment\nid: a\n";
const std::string yaml_b =
    "apiVersion: application.margo.org/v1alpha1\nkind: ApplicationDeployment\nid: b\r\n";

std::vector<fake::DeploymentDocument> two_deployments() {
  return {{"dep-a", yaml_a}, {"dep-b", yaml_b}};
}

HttpResponse get(WfmFixture& fixture, const std::string& path, HttpHeaders extra = {}) {
  auto request = fixture.signed_req("GET", path);
  for (const auto& field : extra) request.headers.set(field.name, field.value);
  return fixture.send(request);
}

}  // namespace

TEST_CASE("fake wfm manifest: the first manifest is version 1 with no deployments and a null bundle") {
  WfmFixture fixture;
  fixture.onboard();
  const auto response = get(fixture, fixture.client_path() + "/deployments");
  REQUIRE(response.status == 200);
  CHECK(response.headers.get("Content-Type") ==
        std::optional<std::string>("application/vnd.margo.manifest.v1+json"));
  CHECK(response.body == R"({"bundle":null,"deployments":[],"manifestVersion":1})");
  CHECK(response.headers.get("ETag") == "\"" + margo_sha256(response.body) + "\"");
  CHECK(fixture.wfm.exchanges().back().digest_outcome == "verified");
  CHECK(fixture.wfm.exchanges().back().signature_outcome == "verified");
}

TEST_CASE("fake wfm manifest: deployments, digests, sizes and URLs") {
  fake::FakeWfmOptions options;
  options.base_path = "/wfm";
  WfmFixture fixture(options);
  fixture.onboard();
  REQUIRE(fixture.wfm.set_deployments(two_deployments()).ok());
  CHECK(fixture.wfm.manifest_version(fixture.client_id) == std::optional<std::uint64_t>(2));

  const auto manifest = json_of(get(fixture, fixture.client_path() + "/deployments"));
  CHECK(manifest.at("manifestVersion") == 2);
  const auto& deployments = manifest.at("deployments");
  REQUIRE(deployments.size() == 2);
  CHECK(deployments[0].at("deploymentId") == "dep-a");
  CHECK(deployments[0].at("digest") == margo_sha256(yaml_a));
  CHECK(deployments[0].at("sizeBytes") == yaml_a.size());
  CHECK(deployments[0].at("url") ==
        "/wfm/api/v1/clients/" + fixture.client_id + "/deployments/dep-a/" + margo_sha256(yaml_a));
  const auto& bundle = manifest.at("bundle");
  CHECK(bundle.at("mediaType") == "application/vnd.margo.bundle.v1+tar+gzip");
  const std::string bundle_digest = bundle.at("digest");
  CHECK(bundle.at("url") == "/wfm/api/v1/clients/" + fixture.client_id + "/bundles/" + bundle_digest);

  // Each URL serves the exact bytes its digest names.
  const std::string yaml_url = deployments[1].at("url");
  const auto yaml = fixture.send(fixture.signed_req("GET", yaml_url.substr(4)));
  REQUIRE(yaml.status == 200);
  CHECK(yaml.body == yaml_b);
  CHECK(yaml.headers.get("Content-Type") == std::optional<std::string>("application/yaml"));
  CHECK(yaml.headers.get("ETag") == "\"" + margo_sha256(yaml_b) + "\"");

  const std::string bundle_url = bundle.at("url");
  const auto archive = fixture.send(fixture.signed_req("GET", bundle_url.substr(4)));
  REQUIRE(archive.status == 200);
  CHECK(margo_sha256(archive.body) == bundle_digest);
  CHECK(bundle.at("sizeBytes") == archive.body.size());
  CHECK(archive.headers.get("Content-Type") ==
        std::optional<std::string>("application/vnd.margo.bundle.v1+tar+gzip"));
}

TEST_CASE("fake wfm manifest: the bundle is a deterministic ustar with one YAML per deployment") {
  WfmFixture fixture;
  fixture.onboard();
  REQUIRE(fixture.wfm.set_deployments(two_deployments()).ok());
  const auto first = json_of(get(fixture, fixture.client_path() + "/deployments")).at("bundle").at("digest");
  const auto archive = get(fixture, fixture.client_path() + "/bundles/" + first.get<std::string>());
  REQUIRE(archive.status == 200);
  CHECK(archive.body.substr(0, 2) == "\x1f\x8b");
  CHECK(archive.body.substr(4, 4) == std::string(4, '\0'));  // gzip MTIME

  const auto entries = read_tar(gunzip(archive.body));
  REQUIRE(entries.size() == 2);
  CHECK(entries[0].name == "dep-a.yaml");
  CHECK(entries[0].content == yaml_a);
  CHECK(entries[1].name == "dep-b.yaml");
  CHECK(entries[1].content == yaml_b);
  CHECK(entries[0].mtime_field == std::string("00000000000") + '\0');
  CHECK(entries[0].uid_field == std::string("0000000") + '\0');
  CHECK(entries[0].type == '0');

  // The same desired state again: a new version, but the same bundle bytes.
  REQUIRE(fixture.wfm.set_deployments(two_deployments()).ok());
  const auto again = json_of(get(fixture, fixture.client_path() + "/deployments"));
  CHECK(again.at("manifestVersion") == 3);
  CHECK(again.at("bundle").at("digest") == first);
}

TEST_CASE("fake wfm manifest: If-None-Match with the current ETag gets an empty 304") {
  WfmFixture fixture;
  fixture.onboard();
  const auto first = get(fixture, fixture.client_path() + "/deployments");
  const std::string etag = *first.headers.get("ETag");
  const auto unchanged = get(fixture, fixture.client_path() + "/deployments", {{"If-None-Match", etag}});
  CHECK(unchanged.status == 304);
  CHECK(unchanged.body.empty());
  CHECK(unchanged.headers.get("ETag") == etag);

  REQUIRE(fixture.wfm.set_deployments(two_deployments()).ok());
  const auto changed = get(fixture, fixture.client_path() + "/deployments", {{"If-None-Match", etag}});
  CHECK(changed.status == 200);
  CHECK(changed.headers.get("ETag") != etag);
}

TEST_CASE("fake wfm manifest: Accept must admit the manifest media type") {
  WfmFixture fixture;
  fixture.onboard();
  const std::string path = fixture.client_path() + "/deployments";
  CHECK(get(fixture, path, {{"Accept", "application/vnd.margo.manifest.v1+json"}}).status == 200);
  CHECK(get(fixture, path, {{"Accept", "text/html, application/*;q=0.5"}}).status == 200);
  CHECK(get(fixture, path, {{"Accept", "*/*"}}).status == 200);
  CHECK(get(fixture, path, {{"Accept", "application/json"}}).status == 406);
  CHECK(get(fixture, path, {{"Accept", "application/vnd.margo.manifest.v1+json;q=0"}}).status == 406);
}

TEST_CASE("fake wfm manifest: per-client desired state and forced versions") {
  WfmFixture fixture;
  fixture.onboard();
  WfmFixture other_device({}, KeyKind::ec_p384);
  const auto other = fixture.wfm.add_client(other_device.device.certificate_pem);
  REQUIRE(other.ok());

  REQUIRE(fixture.wfm.set_client_deployments(fixture.client_id, {{"only-me", yaml_a}}).ok());
  CHECK(fixture.wfm.manifest_version(fixture.client_id) == std::optional<std::uint64_t>(2));
  CHECK(fixture.wfm.manifest_version(*other) == std::optional<std::uint64_t>(1));
  CHECK_FALSE(fixture.wfm.set_client_deployments("nobody", {}).ok());

  fixture.wfm.force_manifest_version(1);  // a WFM that lost its database
  CHECK(json_of(get(fixture, fixture.client_path() + "/deployments")).at("manifestVersion") == 1);
  REQUIRE(fixture.wfm.force_manifest_version(fixture.client_id, 18446744073709551615ull).ok());
  CHECK(get(fixture, fixture.client_path() + "/deployments")
            .body.find("\"manifestVersion\":18446744073709551615") != std::string::npos);
}

TEST_CASE("fake wfm manifest: a client onboarding late starts at version 1 with the shared state") {
  WfmFixture fixture;
  REQUIRE(fixture.wfm.set_deployments(two_deployments()).ok());
  REQUIRE(fixture.wfm.set_deployments({{"dep-a", yaml_a}}).ok());
  fixture.onboard();
  const auto manifest = json_of(get(fixture, fixture.client_path() + "/deployments"));
  CHECK(manifest.at("manifestVersion") == 1);
  CHECK(manifest.at("deployments").size() == 1);
}

TEST_CASE("fake wfm manifest: bad deployment ids are refused and nothing of the set is kept") {
  WfmFixture fixture;
  fixture.onboard();
  CHECK_FALSE(fixture.wfm.set_deployments({{"../evil", yaml_a}}).ok());
  CHECK_FALSE(fixture.wfm.set_deployments({{"", yaml_a}}).ok());
  CHECK_FALSE(fixture.wfm.set_deployments({{"x", yaml_a}, {"x", yaml_b}}).ok());
  CHECK(fixture.wfm.manifest_version(fixture.client_id) == std::optional<std::uint64_t>(1));
  CHECK(get(fixture, fixture.client_path() + "/deployments/x/" + margo_sha256(yaml_a)).status == 404);
}

TEST_CASE("fake wfm artifacts: unknown digests, wrong ids and artifact overrides") {
  WfmFixture fixture;
  fixture.onboard();
  REQUIRE(fixture.wfm.set_deployments(two_deployments()).ok());
  const std::string digest_a = margo_sha256(yaml_a);
  const std::string yaml_path = fixture.client_path() + "/deployments/dep-a/" + digest_a;

  CHECK(get(fixture, fixture.client_path() + "/deployments/dep-b/" + digest_a).status == 404);
  CHECK(get(fixture, fixture.client_path() + "/deployments/dep-a/sha256:" + std::string(64, '0')).status ==
        404);
  CHECK(get(fixture, fixture.client_path() + "/bundles/sha256:" + std::string(64, '0')).status == 404);
  CHECK(get(fixture, yaml_path, {{"If-None-Match", "\"" + digest_a + "\""}}).status == 304);

  fixture.wfm.desired_state().override_artifact(digest_a, "tampered");
  const auto tampered = get(fixture, yaml_path);
  CHECK(tampered.status == 200);
  CHECK(tampered.body == "tampered");

  fixture.wfm.desired_state().hide_artifact(digest_a);
  CHECK(get(fixture, yaml_path).status == 404);
  fixture.wfm.desired_state().clear_artifact_overrides();
  CHECK(get(fixture, yaml_path).body == yaml_a);

  // Content once served stays fetchable after the desired state moves on.
  REQUIRE(fixture.wfm.set_deployments({}).ok());
  CHECK(get(fixture, yaml_path).status == 200);
}

TEST_CASE("fake wfm artifacts: a raw bundle is announced and served as given") {
  WfmFixture fixture;
  fixture.onboard();
  REQUIRE(fixture.wfm.set_deployments(two_deployments()).ok());
  const std::string hostile = "not really a tarball";
  fixture.wfm.desired_state().set_raw_bundle(hostile);
  const auto manifest = json_of(get(fixture, fixture.client_path() + "/deployments"));
  CHECK(manifest.at("manifestVersion") == 3);
  CHECK(manifest.at("bundle").at("digest") == margo_sha256(hostile));
  CHECK(manifest.at("bundle").at("sizeBytes") == hostile.size());
  CHECK(get(fixture, fixture.client_path() + "/bundles/" + margo_sha256(hostile)).body == hostile);
}
