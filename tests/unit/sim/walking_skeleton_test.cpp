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

TEST_CASE("parameters reach every component their targets name, and only those") {
  DeviceWorld world;
  world.start_agent();
  world.run_for(std::chrono::minutes(1));
  const std::string yaml = R"(apiVersion: application.margo.org/v1alpha1
kind: ApplicationDeployment
id: p-1
metadata: {name: params}
spec:
  deploymentProfile:
    type: helm
    components:
      - {name: db, properties: {repository: "oci://charts/db", revision: "1.0.0"}}
      - {name: ui, properties: {repository: "oci://charts/ui", revision: "2.0.0"}}
  parameters:
    retention:
      value: "30"
      targets: [{pointer: storage.retention.days, components: [db]}]
    site:
      value: Plant-7
      targets: [{pointer: global.siteName, components: [db, ui]}]
)";
  REQUIRE(world.wfm().set_deployments({{"p-1", yaml}}).ok());
  world.run_for(std::chrono::minutes(2));

  const auto& installed = world.helm().installed();
  REQUIRE(installed.size() == 2);
  const auto& db = installed.at(world.helm().runtime_name("p-1", "params", "db")).spec;
  const auto& ui = installed.at(world.helm().runtime_name("p-1", "params", "ui")).spec;
  REQUIRE(db.parameters.size() == 2);
  CHECK(db.parameters[0].pointer == "storage.retention.days");
  CHECK(db.parameters[0].value == "30");
  CHECK(db.parameters[1].pointer == "global.siteName");
  REQUIRE(ui.parameters.size() == 1);
  CHECK(ui.parameters[0].pointer == "global.siteName");
  CHECK(ui.parameters[0].value == "Plant-7");
  CHECK(db.properties["revision"] == "1.0.0");
  CHECK(db.ref.namespace_name.empty());
  // The order of installation is the order listed.
  const auto& history = world.helm().history();
  REQUIRE(history.size() == 2);
  CHECK(history[0].runtime_name == db.ref.runtime_name);
  CHECK(history[1].runtime_name == ui.ref.runtime_name);
}
