#include <catch2/catch.hpp>

#include <regex>

#include "wfm_fixture.hpp"

using namespace margo;
using namespace margo::testing;
using margo::fake::OnboardingPolicy;

namespace {

HttpResponse onboard_with(WfmFixture& fixture, const std::string& certificate_base64) {
  return fixture.send(fixture.signed_as(fixture.device, fixture.device.key_id, "POST", "/api/v1/onboarding",
                                        onboarding_body(certificate_base64)));
}

}  // namespace

TEST_CASE("fake wfm onboarding: the root CA is served unsigned once configured") {
  WfmFixture fixture;
  HttpRequest request;
  request.url = wfm_origin + "/api/v1/onboarding/certificate";
  CHECK(fixture.send(request).status == 404);

  fixture.wfm.set_root_ca_pem("-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n");
  const auto response = fixture.send(request);
  REQUIRE(response.status == 200);
  CHECK(response.headers.get("Content-Type") == std::optional<std::string>("application/json"));
  CHECK(json_of(response).at("certificate") ==
        base64("-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n"));
  CHECK(fixture.wfm.exchanges().back().signature_outcome == "not required");
}

TEST_CASE("fake wfm onboarding: a signed request gets a stable, UUID-shaped clientId") {
  WfmFixture fixture;
  const std::string id = fixture.onboard();
  CHECK(std::regex_match(id,
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(fixture.wfm.client_ids() == std::vector<std::string>{id});

  // The same certificate, this time as base64 of its PEM, is the same device.
  const auto again = onboard_with(fixture, base64(fixture.device.certificate_pem));
  REQUIRE(again.status == 201);
  CHECK(json_of(again).at("clientId") == id);
  CHECK(fixture.wfm.exchanges().back().signature_outcome == "verified");
  CHECK(fixture.wfm.exchanges().back().client_id == id);

  WfmFixture other({}, KeyKind::ec_p384);
  CHECK(other.onboard() != id);
}

TEST_CASE("fake wfm onboarding: certificates that do not parse are 400") {
  WfmFixture fixture;
  const auto garbage = onboard_with(fixture, base64("not a certificate"));
  CHECK(garbage.status == 400);
  CHECK(json_of(garbage).at("error") == "Invalid certificate");
  CHECK(onboard_with(fixture, "%%%").status == 400);
  const auto truncated = onboard_with(fixture, base64(fixture.device.certificate_der.substr(0, 100)));
  CHECK(json_of(truncated).at("error") == "Invalid certificate");

  const auto not_json = fixture.send(
      fixture.signed_as(fixture.device, fixture.device.key_id, "POST", "/api/v1/onboarding", "{certificate"));
  CHECK(not_json.status == 400);
  CHECK(fixture.wfm.client_ids().empty());
}

TEST_CASE("fake wfm onboarding: the request must be signed by the certificate's key with its key id") {
  WfmFixture fixture;
  const std::string body = onboarding_body(base64(fixture.device.certificate_der));

  auto unsigned_request =
      fixture.signed_as(fixture.device, fixture.device.key_id, "POST", "/api/v1/onboarding", body);
  unsigned_request.headers.remove("Signature");
  unsigned_request.headers.remove("Signature-Input");
  const auto missing = fixture.send(unsigned_request);
  CHECK(missing.status == 401);
  CHECK(fixture.wfm.exchanges().back().signature_outcome == "missing");

  const auto wrong_keyid =
      fixture.send(fixture.signed_as(fixture.device, "device-1", "POST", "/api/v1/onboarding", body));
  CHECK(wrong_keyid.status == 401);
  CHECK(json_of(wrong_keyid).at("error") == "Invalid signature");
  CHECK(json_of(wrong_keyid).at("detail").get<std::string>().find("keyid") != std::string::npos);

  const auto& intruder = identity(KeyKind::ec_p256, true);
  const auto other_key =
      fixture.send(fixture.signed_as(intruder, fixture.device.key_id, "POST", "/api/v1/onboarding", body));
  CHECK(other_key.status == 401);
  CHECK(fixture.wfm.exchanges().back().signature_outcome.rfind("failed: ", 0) == 0);
  CHECK(fixture.wfm.client_ids().empty());
}

TEST_CASE("fake wfm onboarding: policies reject as the spec's codes say") {
  WfmFixture fixture;
  const std::string certificate = base64(fixture.device.certificate_der);

  fixture.wfm.set_onboarding_policy(OnboardingPolicy::reject_client);
  const auto rejected = onboard_with(fixture, certificate);
  CHECK(rejected.status == 403);
  CHECK(json_of(rejected).at("error") == "Client rejected");

  fixture.wfm.set_onboarding_policy(OnboardingPolicy::reject_invalid_certificate);
  const auto invalid = onboard_with(fixture, certificate);
  CHECK(invalid.status == 400);
  CHECK(json_of(invalid).at("error") == "Invalid certificate");

  fixture.wfm.set_onboarding_policy(OnboardingPolicy::reject_duplicate);
  CHECK(onboard_with(fixture, certificate).status == 201);
  CHECK(onboard_with(fixture, certificate).status == 409);

  CHECK(fake::onboarding_policy_from_string("reject_duplicate") == OnboardingPolicy::reject_duplicate);
  CHECK_FALSE(fake::onboarding_policy_from_string("maybe").has_value());
}

TEST_CASE("fake wfm onboarding: clients can be registered directly from their certificate") {
  WfmFixture fixture;
  const auto id = fixture.wfm.add_client(fixture.device.certificate_pem);
  REQUIRE(id.ok());
  CHECK(*id == fixture.onboard());
  CHECK_FALSE(fixture.wfm.add_client("junk").ok());
}

TEST_CASE("fake wfm onboarding: routes live under the base path") {
  fake::FakeWfmOptions options;
  options.base_path = "/wfm";
  WfmFixture fixture(options);
  fixture.onboard();
  HttpRequest outside;
  outside.url = wfm_origin + "/api/v1/onboarding/certificate";
  CHECK(fixture.send(outside).status == 404);
  HttpRequest prefix_only;
  prefix_only.url = wfm_origin + "/wfmx/api/v1/onboarding/certificate";
  CHECK(fixture.send(prefix_only).status == 404);

  const auto manifest = fixture.send(fixture.signed_req("GET", fixture.client_path() + "/deployments"));
  REQUIRE(manifest.status == 200);
}
