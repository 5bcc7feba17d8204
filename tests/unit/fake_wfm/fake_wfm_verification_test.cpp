#include <catch2/catch.hpp>

#include "wfm_fixture.hpp"

using namespace margo;
using namespace margo::testing;

TEST_CASE("fake wfm verification: Content-Digest is required on every signed request, GET included") {
  WfmFixture fixture;
  fixture.onboard();
  auto request = fixture.signed_req("GET", fixture.client_path() + "/deployments");
  request.headers.remove("Content-Digest");
  const auto response = fixture.send(request);
  CHECK(response.status == 400);
  CHECK(json_of(response).at("error") == "invalid-digest-header");
  CHECK(fixture.wfm.exchanges().back().digest_outcome == "missing");
  CHECK(fixture.wfm.exchanges().back().signature_outcome == "not checked");
}

TEST_CASE("fake wfm verification: a body changed after signing fails the digest") {
  WfmFixture fixture;
  fixture.onboard();
  auto request = fixture.signed_req("POST", fixture.client_path() + "/capabilities", capabilities_body());
  request.body += "\n";
  const auto response = fixture.send(request);
  CHECK(response.status == 400);
  CHECK(json_of(response).at("error") == "invalid-digest-header");
  CHECK(fixture.wfm.exchanges().back().digest_outcome.rfind("failed: ", 0) == 0);
  CHECK(fixture.wfm.capabilities_reports(fixture.client_id).empty());
}

TEST_CASE("fake wfm verification: signature failures are 401 with the reason") {
  WfmFixture fixture;
  fixture.onboard();
  const std::string path = fixture.client_path() + "/deployments";

  SECTION("stale created") {
    const auto request = fixture.signed_req("GET", path);
    fixture.clock.advance(std::chrono::seconds(301));
    const auto response = fixture.send(request);
    CHECK(response.status == 401);
    CHECK(json_of(response).at("error") == "Invalid signature");
    CHECK(json_of(response).at("detail").get<std::string>().find("older") != std::string::npos);
  }
  SECTION("created too far in the future") {
    fixture.clock.advance(std::chrono::seconds(61));
    const auto request = fixture.signed_req("GET", path);
    fixture.clock.advance(std::chrono::seconds(-61));
    CHECK(fixture.send(request).status == 401);
  }
  SECTION("keyid is not the clientId of the path") {
    const auto response = fixture.send(fixture.signed_as(fixture.device, fixture.device.key_id, "GET", path));
    CHECK(response.status == 401);
    CHECK(json_of(response).at("detail").get<std::string>().find("keyid") != std::string::npos);
  }
  SECTION("signed by a key that is not the client's") {
    CHECK(fixture.send(fixture.signed_as(identity(KeyKind::ec_p256, true), fixture.client_id, "GET", path))
              .status == 401);
  }
  SECTION("request sent to another host than the one signed") {
    auto request = fixture.signed_req("GET", path);
    request.url.replace(0, wfm_origin.size(), "https://evil.test:8443");
    CHECK(fixture.send(request).status == 401);
  }
  SECTION("unsigned") {
    auto request = fixture.signed_req("GET", path);
    request.headers.remove("Signature");
    CHECK(fixture.send(request).status == 401);
    CHECK(fixture.wfm.exchanges().back().signature_outcome == "missing");
  }
  CHECK(fixture.wfm.exchanges().back().status == 401);
}

TEST_CASE("fake wfm verification: with signatures optional, outcomes are recorded but nothing is refused") {
  fake::FakeWfmOptions options;
  options.signatures_required = false;
  WfmFixture fixture(options);
  fixture.onboard();
  HttpRequest plain;
  plain.url = wfm_origin + fixture.client_path() + "/deployments";
  CHECK(fixture.send(plain).status == 200);
  CHECK(fixture.wfm.exchanges().back().digest_outcome == "not required");
  CHECK(fixture.wfm.exchanges().back().signature_outcome == "not required");

  auto tampered = fixture.signed_req("PUT", fixture.client_path() + "/capabilities", capabilities_body());
  tampered.headers.set("Content-Digest", sha256_content_digest("other"));
  CHECK(fixture.send(tampered).status == 201);
  CHECK(fixture.wfm.exchanges().back().digest_outcome.rfind("failed: ", 0) == 0);
  CHECK(fixture.wfm.exchanges().back().signature_outcome.rfind("failed: ", 0) == 0);
}
