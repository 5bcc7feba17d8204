#include <catch2/catch.hpp>

#include "fakes/wfm/responses.hpp"
#include "wfm_fixture.hpp"

using namespace margo;
using namespace margo::testing;
using margo::fake::FaultSpec;
using margo::fake::RouteClass;

TEST_CASE("fake wfm faults: the next N requests of a route class fail with the given status") {
  WfmFixture fixture;
  fixture.onboard();
  fixture.wfm.fail_next(FaultSpec{RouteClass::manifest, 2, 503, 7});
  const std::string manifest = fixture.client_path() + "/deployments";

  const auto first = fixture.send(fixture.signed_req("GET", manifest));
  CHECK(first.status == 503);
  CHECK(first.headers.get("Retry-After") == std::optional<std::string>("7"));
  CHECK(fixture.wfm.exchanges().back().signature_outcome == "not checked");
  // Other route classes are not affected.
  CHECK(fixture.send(fixture.signed_req("POST", fixture.client_path() + "/capabilities", capabilities_body()))
            .status == 201);
  CHECK(fixture.send(fixture.signed_req("GET", manifest)).status == 503);
  CHECK(fixture.send(fixture.signed_req("GET", manifest)).status == 200);
}

TEST_CASE("fake wfm faults: 'any' matches every route and faults queue in order") {
  WfmFixture fixture;
  fixture.onboard();
  fixture.wfm.fail_next(FaultSpec{std::nullopt, 1, 500, std::nullopt});
  fixture.wfm.fail_next(FaultSpec{RouteClass::status, 1, 429, 1});
  const auto capabilities =
      fixture.send(fixture.signed_req("POST", fixture.client_path() + "/capabilities", capabilities_body()));
  CHECK(capabilities.status == 500);
  CHECK_FALSE(capabilities.headers.has("Retry-After"));
  const std::string status_path = fixture.client_path() + "/deployments/d/status";
  CHECK(fixture.send(fixture.signed_req("POST", status_path, status_body("d"))).status == 429);
  CHECK(fixture.send(fixture.signed_req("POST", status_path, status_body("d"))).status == 200);
}

TEST_CASE("fake wfm faults: a down WFM answers 503 to everything until it is back") {
  WfmFixture fixture;
  fixture.onboard();
  fixture.wfm.set_down(true);
  CHECK(fixture.send(fixture.signed_req("GET", fixture.client_path() + "/deployments")).status == 503);
  HttpRequest unknown;
  unknown.url = wfm_origin + "/nowhere";
  CHECK(fixture.send(unknown).status == 503);
  fixture.wfm.set_down(false);
  CHECK(fixture.send(fixture.signed_req("GET", fixture.client_path() + "/deployments")).status == 200);
}

TEST_CASE("fake wfm observations: every exchange is recorded in order with its outcomes") {
  WfmFixture fixture;
  fixture.onboard();
  fixture.clock.advance(std::chrono::seconds(2));
  const auto manifest = fixture.send(fixture.signed_req("GET", fixture.client_path() + "/deployments?x=1"));
  REQUIRE(manifest.status == 200);

  const auto& exchanges = fixture.wfm.exchanges();
  REQUIRE(exchanges.size() == 2);
  CHECK(exchanges[0].sequence == 1);
  CHECK(exchanges[0].route == RouteClass::onboarding);
  CHECK(exchanges[0].status == 201);
  CHECK(exchanges[0].method == "POST");
  CHECK(exchanges[0].request_bytes > 0);
  const auto& last = exchanges[1];
  CHECK(last.sequence == 2);
  CHECK(unix_seconds(last.wall_time) == fixture_now + 2);
  CHECK(last.method == "GET");
  CHECK(last.path == fixture.client_path() + "/deployments?x=1");
  CHECK(last.route == RouteClass::manifest);
  CHECK(last.client_id == fixture.client_id);
  CHECK(last.request_bytes == 0);
  CHECK(last.response_bytes == manifest.body.size());
  CHECK(last.digest_outcome == "verified");
  CHECK(last.signature_outcome == "verified");

  const auto json = fixture.wfm.exchanges_json();
  REQUIRE(json.size() == 2);
  CHECK(json[1].at("route") == "manifest");
  CHECK(json[1].at("wallTimeMs") == (fixture_now + 2) * 1000);
  CHECK(json[1].at("signature") == "verified");
  CHECK(json[1].at("clientId") == fixture.client_id);
}

TEST_CASE("fake wfm observations: counters per route class, status and outcome") {
  WfmFixture fixture;
  fixture.onboard();
  const std::string manifest = fixture.client_path() + "/deployments";
  fixture.send(fixture.signed_req("GET", manifest));
  auto unsigned_request = fixture.signed_req("GET", manifest);
  unsigned_request.headers.remove("Signature");
  fixture.send(unsigned_request);
  auto forged = fixture.signed_as(identity(KeyKind::ec_p256, true), fixture.client_id, "GET", manifest);
  fixture.send(forged);

  const auto& counters = fixture.wfm.log().counters().at(RouteClass::manifest);
  CHECK(counters.requests == 3);
  CHECK(counters.statuses.at(200) == 1);
  CHECK(counters.statuses.at(401) == 2);
  CHECK(counters.signature_outcomes.at("verified") == 1);
  CHECK(counters.signature_outcomes.at("missing") == 1);
  CHECK(counters.signature_outcomes.at("failed") == 1);

  const auto stats = fixture.wfm.stats_json();
  CHECK(stats.at("exchanges") == 4);
  CHECK(stats.at("routes").at("manifest").at("statuses").at("401") == 2);
  CHECK(stats.at("routes").at("onboarding").at("requests") == 1);
}

TEST_CASE("fake wfm observations: hostile bytes in paths still give valid JSON") {
  WfmFixture fixture;
  fixture.send(fixture.signed_as(fixture.device, "x", "GET", "/api/v1/clients/%FF%FE/deployments"));
  CHECK(fixture.wfm.exchanges().back().status == 404);
  std::string dumped;
  CHECK_NOTHROW(dumped = fake::dump_json(fixture.wfm.exchanges_json()));
  CHECK(nlohmann::json::accept(dumped));
}
