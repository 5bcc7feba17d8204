#include <catch2/catch.hpp>

#include "wfm_fixture.hpp"

using namespace margo;
using namespace margo::testing;

TEST_CASE("fake wfm reports: capabilities POST and PUT are recorded with their bodies") {
  WfmFixture fixture;
  fixture.onboard();
  const std::string path = fixture.client_path() + "/capabilities";
  CHECK(fixture.send(fixture.signed_req("POST", path, capabilities_body())).status == 201);
  CHECK(fixture.send(fixture.signed_req("PUT", path, capabilities_body() + " ")).status == 201);
  const auto reports = fixture.wfm.capabilities_reports(fixture.client_id);
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].method == "POST");
  CHECK(reports[0].body == capabilities_body());
  CHECK(reports[1].method == "PUT");
  CHECK(reports[1].body == capabilities_body() + " ");
}

TEST_CASE("fake wfm reports: malformed capabilities are 422 and not recorded") {
  WfmFixture fixture;
  fixture.onboard();
  const std::string path = fixture.client_path() + "/capabilities";
  for (const std::string& body :
       {std::string("{"), std::string("[]"), std::string(R"({"kind":"DeviceCapabilitiesManifest"})"),
        std::string(R"({"apiVersion":"v","kind":"DeviceCapabilities"})")}) {
    INFO(body);
    const auto response = fixture.send(fixture.signed_req("POST", path, body));
    CHECK(response.status == 422);
    CHECK(json_of(response).contains("error"));
  }
  CHECK(fixture.wfm.capabilities_reports(fixture.client_id).empty());
}

TEST_CASE("fake wfm reports: status reports are recorded in arrival order") {
  WfmFixture fixture;
  fixture.onboard();
  const auto post = [&](const std::string& id, const std::string& state) {
    return fixture.send(fixture.signed_req("POST", fixture.client_path() + "/deployments/" + id + "/status",
                                           status_body(id, state)));
  };
  CHECK(post("dep-a", "installing").status == 200);
  CHECK(post("dep-b", "failed").status == 200);
  CHECK(post("dep-a", "installed").status == 200);
  const auto reports = fixture.wfm.status_reports(fixture.client_id);
  REQUIRE(reports.size() == 3);
  CHECK(reports[0].deployment_id == "dep-a");
  CHECK(reports[0].state == "installing");
  CHECK(reports[1].state == "failed");
  CHECK(reports[2].state == "installed");
  CHECK(reports[2].body == status_body("dep-a", "installed"));
  CHECK(fixture.wfm.status_reports("someone-else").empty());
}

TEST_CASE("fake wfm reports: malformed status reports are 422") {
  WfmFixture fixture;
  fixture.onboard();
  const std::string path = fixture.client_path() + "/deployments/dep-a/status";
  auto body = nlohmann::json::parse(status_body("dep-a"));
  const auto send_modified = [&](auto modify) {
    auto copy = body;
    modify(copy);
    return fixture.send(fixture.signed_req("POST", path, copy.dump())).status;
  };
  CHECK(send_modified([](auto& json) { json["deploymentId"] = "dep-b"; }) == 422);
  CHECK(send_modified([](auto& json) { json["status"]["state"] = "Installed"; }) == 422);
  CHECK(send_modified([](auto& json) { json.erase("components"); }) == 422);
  CHECK(send_modified([](auto& json) { json["components"][0].erase("name"); }) == 422);
  CHECK(send_modified([](auto& json) { json["components"][0]["state"] = "running"; }) == 422);
  CHECK(send_modified([](auto& json) { json["kind"] = "DeploymentStatus"; }) == 422);
  CHECK(send_modified([](auto&) {}) == 200);
  CHECK(fixture.wfm.status_reports(fixture.client_id).size() == 1);
}

TEST_CASE("fake wfm reports: success codes are configurable") {
  fake::FakeWfmOptions options;
  options.capabilities_status = 200;
  options.status_success_status = 201;
  WfmFixture fixture(options);
  fixture.onboard();
  CHECK(fixture.send(fixture.signed_req("PUT", fixture.client_path() + "/capabilities", capabilities_body()))
            .status == 200);
  CHECK(
      fixture
          .send(fixture.signed_req("POST", fixture.client_path() + "/deployments/d/status", status_body("d")))
          .status == 201);
}

TEST_CASE("fake wfm routing: unknown clients and routes are 404, wrong methods 405") {
  WfmFixture fixture;
  fixture.onboard();
  const auto unknown_client = fixture.send(fixture.signed_req("GET", "/api/v1/clients/nobody/deployments"));
  CHECK(unknown_client.status == 404);
  CHECK(fixture.wfm.exchanges().back().client_id == "nobody");
  CHECK(fixture.send(fixture.signed_req("GET", "/api/v1/elsewhere")).status == 404);
  CHECK(fixture.send(fixture.signed_req("GET", fixture.client_path() + "/deployments/")).status == 404);
  CHECK(fixture.send(fixture.signed_req("GET", fixture.client_path() + "/bundles/a/b")).status == 404);
  CHECK(fixture.wfm.exchanges().back().route == fake::RouteClass::unknown);

  const auto wrong_method =
      fixture.send(fixture.signed_req("DELETE", fixture.client_path() + "/capabilities"));
  CHECK(wrong_method.status == 405);
  CHECK(wrong_method.headers.get("Allow") == std::optional<std::string>("POST, PUT"));
  CHECK(fixture.send(fixture.signed_req("POST", fixture.client_path() + "/deployments")).status == 405);

  HttpRequest bad_url;
  bad_url.url = "not a url";
  CHECK(fixture.send(bad_url).status == 400);
}

TEST_CASE("fake wfm routing: percent-encoded path segments are decoded before matching") {
  WfmFixture fixture;
  fixture.onboard();
  REQUIRE(fixture.wfm.set_deployments({{"dep-a", "a: 1\n"}}).ok());
  const auto response = fixture.send(fixture.signed_req(
      "GET", fixture.client_path() + "/deployments/dep-a/" + "sha256%3A" + margo_sha256("a: 1\n").substr(7)));
  CHECK(response.status == 200);
  CHECK(fixture.send(fixture.signed_req("GET", fixture.client_path() + "/deployments/dep%2Fa/x")).status ==
        404);
  CHECK(fixture.send(fixture.signed_req("GET", fixture.client_path() + "/deployments/dep%zz/x")).status ==
        404);
}
