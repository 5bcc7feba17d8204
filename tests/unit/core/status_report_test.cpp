#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "agent/core/agent_state.hpp"
#include "agent/core/status_report.hpp"

using namespace margo;

namespace {

ComponentRecord component(std::string name, DeploymentState state) {
  return ComponentRecord{std::move(name), "rt-" + name, state, std::nullopt};
}

}  // namespace

TEST_CASE("overall state follows the spec's precedence; removed only when all are removed") {
  using S = DeploymentState;
  CHECK(aggregate_state({component("a", S::installed), component("b", S::failed)}, S::pending) == S::failed);
  CHECK(aggregate_state({component("a", S::removing), component("b", S::installing)}, S::pending) ==
        S::removing);
  CHECK(aggregate_state({component("a", S::installing), component("b", S::pending)}, S::pending) ==
        S::installing);
  CHECK(aggregate_state({component("a", S::pending), component("b", S::installed)}, S::pending) ==
        S::pending);
  CHECK(aggregate_state({component("a", S::installed), component("b", S::installed)}, S::pending) ==
        S::installed);
  CHECK(aggregate_state({component("a", S::removed), component("b", S::installed)}, S::pending) ==
        S::installed);
  CHECK(aggregate_state({component("a", S::removed), component("b", S::removed)}, S::pending) == S::removed);
  CHECK(aggregate_state({}, S::failed) == S::failed);
}

TEST_CASE("a status report names every component, and carries code, message and source when failing") {
  DeploymentRecord record;
  record.id = "d-1";
  record.name = "line-monitor";
  record.state = DeploymentState::failed;
  record.components = {component("db", DeploymentState::installed),
                       component("web", DeploymentState::failed)};
  record.components[1].error = StatusError{"runtime.image_missing", "image not found", "web"};
  record.error = StatusError{"runtime.image_missing", "image not found", "web"};

  const auto body = nlohmann::json::parse(status_report_body(record));
  CHECK(body["apiVersion"] == "deployment.margo.org/v1alpha1");
  CHECK(body["kind"] == "DeploymentStatusManifest");
  CHECK(body["deploymentId"] == "d-1");
  CHECK(body["status"]["state"] == "failed");
  CHECK(body["status"]["error"]["code"] == "runtime.image_missing");
  CHECK(body["status"]["error"]["message"] == "image not found");
  CHECK(body["status"]["error"]["source"] == "web");
  REQUIRE(body["components"].size() == 2);
  CHECK(body["components"][0] == nlohmann::json{{"name", "db"}, {"state", "installed"}});
  CHECK(body["components"][1]["error"]["source"] == "web");

  record.state = DeploymentState::installed;
  record.error.reset();
  CHECK_FALSE(nlohmann::json::parse(status_report_body(record))["status"].contains("error"));
}

TEST_CASE("reports queue with increasing sequence numbers, and survive the state's JSON") {
  AgentState state;
  DeploymentRecord first;
  first.id = "d-1";
  first.state = DeploymentState::pending;
  queue_status_report(state, first);
  DeploymentRecord second;
  second.id = "d-2";
  second.state = DeploymentState::installing;
  queue_status_report(state, second);
  REQUIRE(state.outbox.size() == 2);
  CHECK(state.outbox[0].sequence == 1);
  CHECK(state.outbox[1].sequence == 2);
  CHECK(state.next_report_sequence == 3);
  state.deployments["d-1"] = first;

  auto round_trip = agent_state_from_json(to_json(state));
  REQUIRE(round_trip.ok());
  CHECK(*round_trip == state);
}

TEST_CASE("coalescing keeps each deployment's newest report, behind the reports of events before it") {
  AgentState state;
  DeploymentRecord one;
  one.id = "d-1";
  DeploymentRecord two;
  two.id = "d-2";
  one.state = DeploymentState::pending;
  queue_status_report(state, one);
  two.state = DeploymentState::pending;
  queue_status_report(state, two);
  one.state = DeploymentState::installing;
  queue_status_report(state, one);
  one.state = DeploymentState::installed;
  queue_status_report(state, one);
  REQUIRE(state.outbox.size() == 4);

  CHECK(coalesce_outbox(state));
  // d-2's pending happened before d-1's installed: it still goes first, and d-1 waits only once.
  REQUIRE(state.outbox.size() == 2);
  CHECK(state.outbox[0].deployment_id == "d-2");
  CHECK(state.outbox[1].deployment_id == "d-1");
  CHECK(state.outbox[1].body.find("\"installed\"") != std::string::npos);
  CHECK(state.outbox[1].sequence == 4);
  CHECK_FALSE(coalesce_outbox(state));
}

TEST_CASE("a deployment record round-trips through JSON, and damaged records are refused") {
  DeploymentRecord record;
  record.id = "d-1";
  record.name = "n";
  record.namespace_name = "ns";
  record.profile_type = "helm";
  record.desired_digest = "sha256:" + std::string(64, 'b');
  record.components = {component("a", DeploymentState::installed)};
  record.retired = {component("old", DeploymentState::failed)};
  record.retired[0].error = StatusError{"c", "m", "old"};
  record.attempts = 3;
  record.blocked = true;
  record.state = DeploymentState::failed;
  auto back = deployment_record_from_json(to_json(record));
  REQUIRE(back.ok());
  CHECK(*back == record);

  auto json = to_json(record);
  json["state"] = "exploded";
  CHECK_FALSE(deployment_record_from_json(json).ok());
  json = to_json(record);
  json.erase("blocked");
  CHECK_FALSE(deployment_record_from_json(json).ok());
  json = to_json(record);
  json["components"][0]["error"] = 5;
  CHECK_FALSE(deployment_record_from_json(json).ok());
}
