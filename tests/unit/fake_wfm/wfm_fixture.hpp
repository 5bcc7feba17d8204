#pragma once
// A fake WFM on a hand-set clock, plus a device that signs its requests with test-code OpenSSL.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "fakes/wfm/fake_wfm.hpp"
#include "manual_clock.hpp"
#include "test_identity.hpp"

namespace margo::testing {

inline constexpr std::int64_t fixture_now = 1'750'000'000;
inline const std::string wfm_origin = "https://wfm.test:8443";

inline std::string onboarding_body(const std::string& certificate_base64) {
  return nlohmann::json{{"apiVersion", "onboarding.margo.org/v1alpha1"},
                        {"kind", "OnboardingRequest"},
                        {"certificate", certificate_base64}}
      .dump();
}

inline std::string capabilities_body() {
  return R"({"apiVersion":"device.margo.org/v1alpha1","kind":"DeviceCapabilitiesManifest","properties":{"id":"d"}})";
}

inline std::string status_body(const std::string& deployment_id, const std::string& state = "installed") {
  return nlohmann::json{{"apiVersion", "deployment.margo.org/v1alpha1"},
                        {"kind", "DeploymentStatusManifest"},
                        {"deploymentId", deployment_id},
                        {"status", {{"state", state}}},
                        {"components", {{{"name", "web"}, {"state", state}}}}}
      .dump();
}

struct WfmFixture {
  explicit WfmFixture(fake::FakeWfmOptions options = {}, KeyKind kind = KeyKind::ec_p256)
      : wfm(clock, options), device(identity(kind)), base_path(options.base_path) {}

  HttpRequest signed_as(const TestIdentity& who, const std::string& keyid, std::string method,
                        const std::string& path, std::string body = {}) {
    SignOptions sign;
    sign.keyid = keyid;
    sign.created = unix_seconds(clock.wall_now());
    return signed_request(who, std::move(method), wfm_origin + base_path + path, std::move(body), sign);
  }

  HttpRequest signed_req(std::string method, const std::string& path, std::string body = {}) {
    return signed_as(device, client_id, std::move(method), path, std::move(body));
  }

  HttpResponse send(const HttpRequest& request) { return wfm.handle(request); }

  // Onboards the device with base64 of its DER certificate and keeps the clientId.
  std::string onboard() {
    const auto response = send(signed_as(device, device.key_id, "POST", "/api/v1/onboarding",
                                         onboarding_body(base64(device.certificate_der))));
    REQUIRE(response.status == 201);
    client_id = nlohmann::json::parse(response.body).at("clientId").get<std::string>();
    return client_id;
  }

  std::string client_path() const { return "/api/v1/clients/" + client_id; }

  ManualClock clock{fixture_now};
  fake::FakeWfm wfm;
  const TestIdentity& device;
  std::string base_path;
  std::string client_id;
};

inline nlohmann::json json_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body);
}

}  // namespace margo::testing
