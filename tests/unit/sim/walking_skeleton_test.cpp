// The walking skeleton in virtual time: the real agent core, protocol client and RFC 9421 signer
// against the fake WFM, which verifies every request with its own code.

#include <catch2/catch.hpp>

#include <chrono>

#include "sim/device_world.hpp"

using namespace margo;
using namespace margo::sim;
using namespace std::chrono_literals;

namespace {

std::size_t count_route(const fake::FakeWfm& wfm, fake::RouteClass route, int status) {
  std::size_t n = 0;
  for (const auto& exchange : wfm.exchanges())
    n += exchange.route == route && exchange.status == status ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("one agent onboards, reports capabilities and polls 100 times (200, then 304s) in under a second") {
  const auto wall_start = std::chrono::steady_clock::now();
  DeviceWorld world;
  world.start_agent();
  const auto* wfm = &world.wfm();
  // Run until the fake WFM has answered 100 manifest polls.
  while (count_route(*wfm, fake::RouteClass::manifest, 200) +
             count_route(*wfm, fake::RouteClass::manifest, 304) <
         100) {
    REQUIRE(world.executor().run_one());
  }
  const auto wall_elapsed = std::chrono::steady_clock::now() - wall_start;

  const auto& exchanges = wfm->exchanges();
  REQUIRE(exchanges.size() == 102);
  CHECK(exchanges[0].route == fake::RouteClass::onboarding);
  CHECK(exchanges[0].status == 201);
  CHECK(exchanges[1].route == fake::RouteClass::capabilities);
  CHECK(exchanges[1].method == "POST");
  CHECK(exchanges[1].status == 201);
  CHECK(exchanges[2].route == fake::RouteClass::manifest);
  CHECK(exchanges[2].status == 200);
  for (std::size_t i = 3; i < exchanges.size(); ++i) {
    INFO("exchange " << i);
    CHECK(exchanges[i].route == fake::RouteClass::manifest);
    CHECK(exchanges[i].status == 304);
  }
  for (const auto& exchange : exchanges) {
    CHECK(exchange.digest_outcome == "verified");
    CHECK(exchange.signature_outcome == "verified");
  }
  REQUIRE(world.agent() != nullptr);
  CHECK(world.agent()->state().manifest_version == 1u);
  // 99 intervals of 15 s +/- 10 % of virtual time...
  CHECK(world.executor().now() > 99 * 13500ms);
  CHECK(world.executor().now() < 99 * 16500ms + 10s);
  // ...in well under a second of real time.
  const auto wall_ms = std::chrono::duration_cast<std::chrono::milliseconds>(wall_elapsed).count();
  INFO("wall time: " << wall_ms << " ms");
  CHECK(wall_ms < 1000);
}

TEST_CASE("a killed agent restarts on its files: same clientId, no second onboarding, If-None-Match kept") {
  DeviceWorld world;
  world.start_agent();
  world.run_for(1min);
  const std::string client_id = world.agent()->state().client_id;
  REQUIRE_FALSE(client_id.empty());

  world.power_loss();
  world.start_agent();
  world.run_for(1min);
  CHECK(world.agent()->state().client_id == client_id);
  CHECK(world.agent()->state().manifest_version == 1u);
  std::size_t onboardings = 0;
  for (const auto& exchange : world.wfm().exchanges())
    onboardings += exchange.route == fake::RouteClass::onboarding ? 1 : 0;
  CHECK(onboardings == 1);
  CHECK(world.wfm().exchanges().back().status == 304);
}

TEST_CASE("with signing switched off a WFM that requires it refuses onboarding and the agent stops") {
  DeviceWorldOptions options;
  options.sign_requests = false;
  DeviceWorld world(options);
  world.start_agent();
  world.run_for(10min);
  REQUIRE(world.fatal_error().has_value());
  // No Content-Digest either: the WFM answers 400 before it looks for a signature.
  CHECK(world.fatal_error()->http_status == 400);
  CHECK(world.wfm().exchanges().size() == 1);
  CHECK(world.wfm().exchanges()[0].digest_outcome == "missing");
}
