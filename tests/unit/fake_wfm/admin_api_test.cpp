#include <catch2/catch.hpp>

#include "fakes/wfm/admin_api.hpp"
#include "wfm_fixture.hpp"

using namespace margo;
using namespace margo::testing;

namespace {

HttpRequest admin(const std::string& method, const std::string& name, const std::string& body = {}) {
  HttpRequest request;
  request.method = method;
  request.url = "http://127.0.0.1:9000/_fake/" + name;
  request.body = body;
  return request;
}

}  // namespace

TEST_CASE("admin api: recognises only /_fake/ paths") {
  CHECK(fake::is_admin_request(admin("GET", "stats")));
  HttpRequest margo_request;
  margo_request.url = "http://127.0.0.1:9000/api/v1/onboarding";
  CHECK_FALSE(fake::is_admin_request(margo_request));
}

TEST_CASE("admin api: exchanges and stats are readable as JSON") {
  WfmFixture fixture;
  fixture.onboard();
  const auto exchanges = fake::handle_admin_request(fixture.wfm, admin("GET", "exchanges"));
  REQUIRE(exchanges.status == 200);
  CHECK(json_of(exchanges).size() == 1);
  CHECK(json_of(exchanges)[0].at("route") == "onboarding");
  const auto stats = fake::handle_admin_request(fixture.wfm, admin("GET", "stats"));
  CHECK(json_of(stats).at("routes").at("onboarding").at("requests") == 1);
  // Reading the log does not add to it.
  CHECK(fixture.wfm.exchanges().size() == 1);
  CHECK(fake::handle_admin_request(fixture.wfm, admin("POST", "stats")).status == 405);
}

TEST_CASE("admin api: status reports are readable with their state and body") {
  WfmFixture fixture;
  fixture.onboard();
  const std::string path = fixture.client_path() + "/deployments/dep-a/status";
  REQUIRE(fixture.send(fixture.signed_req("POST", path, status_body("dep-a", "installing"))).status == 200);
  REQUIRE(fixture.send(fixture.signed_req("POST", path, status_body("dep-a", "installed"))).status == 200);
  const auto reports = fake::handle_admin_request(fixture.wfm, admin("GET", "status-reports"));
  REQUIRE(reports.status == 200);
  const auto list = json_of(reports);
  REQUIRE(list.size() == 2);
  CHECK(list[0].at("deploymentId") == "dep-a");
  CHECK(list[0].at("state") == "installing");
  CHECK(list[1].at("state") == "installed");
  CHECK(list[1].at("clientId") == fixture.client_id);
  CHECK(list[1].at("body").at("status").at("state") == "installed");
  CHECK(fake::handle_admin_request(fixture.wfm, admin("POST", "status-reports")).status == 405);
}

TEST_CASE("admin api: knobs change the fake's behaviour") {
  WfmFixture fixture;
  fixture.onboard();
  const std::string manifest = fixture.client_path() + "/deployments";

  CHECK(fake::handle_admin_request(
            fixture.wfm,
            admin("POST", "fail-next", R"({"route":"manifest","count":1,"status":503,"retryAfter":3})"))
            .status == 204);
  const auto failed = fixture.send(fixture.signed_req("GET", manifest));
  CHECK(failed.status == 503);
  CHECK(failed.headers.get("Retry-After") == std::optional<std::string>("3"));

  CHECK(fake::handle_admin_request(fixture.wfm,
                                   admin("POST", "deployments", R"([{"deploymentId":"d1","yaml":"a: 1\n"}])"))
            .status == 204);
  CHECK(json_of(fixture.send(fixture.signed_req("GET", manifest))).at("deployments")[0].at("deploymentId") ==
        "d1");

  CHECK(fake::handle_admin_request(
            fixture.wfm,
            admin("POST", "deployments", R"({"clientId":")" + fixture.client_id + R"(","deployments":[]})"))
            .status == 204);
  CHECK(fixture.wfm.manifest_version(fixture.client_id) == std::optional<std::uint64_t>(3));

  CHECK(
      fake::handle_admin_request(fixture.wfm, admin("POST", "manifest-version", R"({"version":1})")).status ==
      204);
  CHECK(fixture.wfm.manifest_version(fixture.client_id) == std::optional<std::uint64_t>(1));

  CHECK(fake::handle_admin_request(fixture.wfm,
                                   admin("POST", "onboarding-policy", R"({"policy":"reject_client"})"))
            .status == 204);
  const auto rejected =
      fixture.send(fixture.signed_as(fixture.device, fixture.device.key_id, "POST", "/api/v1/onboarding",
                                     onboarding_body(base64(fixture.device.certificate_der))));
  CHECK(rejected.status == 403);

  CHECK(fake::handle_admin_request(fixture.wfm, admin("POST", "down", R"({"down":true})")).status == 204);
  CHECK(fixture.send(fixture.signed_req("GET", manifest)).status == 503);
}

TEST_CASE("admin api: bad bodies are 400 with a reason, unknown endpoints 404") {
  WfmFixture fixture;
  const std::pair<const char*, const char*> bad[] = {
      {"fail-next", "{"},
      {"fail-next", R"({"route":"everything"})"},
      {"fail-next", R"({"route":"any","status":42})"},
      {"fail-next", R"({"route":"any","count":-1})"},
      {"deployments", R"([{"deploymentId":"../x","yaml":""}])"},
      {"deployments", R"([{"deploymentId":1}])"},
      {"deployments", R"({"clientId":"nobody","deployments":[]})"},
      {"manifest-version", R"({"version":"2"})"},
      {"onboarding-policy", R"({"policy":"maybe"})"},
      {"down", R"({"down":"yes"})"},
  };
  for (const auto& [name, body] : bad) {
    INFO(name << " " << body);
    const auto response = fake::handle_admin_request(fixture.wfm, admin("POST", name, body));
    CHECK(response.status == 400);
    CHECK(json_of(response).contains("detail"));
  }
  CHECK(fake::handle_admin_request(fixture.wfm, admin("POST", "reboot", "{}")).status == 404);
}
