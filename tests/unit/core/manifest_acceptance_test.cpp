// Checklist 58: a manifest counts as accepted only once its desired state is reached.

#include <catch2/catch.hpp>

#include "agent/core/manifest_acceptance.hpp"

using namespace margo;

namespace {

DeploymentRecord installed(const std::string& id) {
  DeploymentRecord record;
  record.id = id;
  record.desired_digest = "sha256:" + std::string(64, 'a');
  record.applied_digest = record.desired_digest;
  record.state = DeploymentState::installed;
  record.components = {{"web", "web-1", DeploymentState::installed, std::nullopt}};
  return record;
}

AgentState pending(std::uint64_t accepted, std::uint64_t taken_in) {
  AgentState state;
  state.manifest_version = accepted;
  state.manifest_etag = "\"old\"";
  state.pending_manifest_version = taken_in;
  state.pending_manifest_etag = "\"new\"";
  return state;
}

}  // namespace

TEST_CASE("the pending manifest is accepted only when every deployment is where it asks") {
  AgentState state = pending(3, 4);
  state.deployments["d-1"] = installed("d-1");
  DeploymentRecord& other = state.deployments["d-2"] = installed("d-2");

  SECTION("an install still failing") {
    other.state = DeploymentState::failed;
    other.components[0].state = DeploymentState::failed;
  }
  SECTION("an update not applied yet") {
    other.applied_digest = "sha256:" + std::string(64, 'b');
  }
  SECTION("a component of the old revision still there") {
    other.retired = {{"old", "old-1", DeploymentState::installed, std::nullopt}};
  }
  SECTION("a removal outstanding") {
    other.desired_digest.reset();
  }

  CHECK_FALSE(desired_state_reached(state));
  CHECK_FALSE(accept_pending_manifest(state).has_value());
  CHECK(state.manifest_version == 3u);
  CHECK(state.manifest_etag == "\"old\"");
  CHECK(rollback_floor(state) == 4u);
}

TEST_CASE("once reached, the pending version and ETag become the accepted ones") {
  AgentState state = pending(3, 4);
  state.deployments["d-1"] = installed("d-1");
  CHECK(accept_pending_manifest(state) == 4u);
  CHECK(state.manifest_version == 4u);
  CHECK(state.manifest_etag == "\"new\"");
  CHECK_FALSE(state.pending_manifest_version.has_value());
  CHECK(state.pending_manifest_etag.empty());
  CHECK_FALSE(accept_pending_manifest(state).has_value());

  AgentState empty = pending(1, 2);  // no deployments at all: reached at once
  CHECK(accept_pending_manifest(empty) == 2u);
}

TEST_CASE("the rollback floor is the higher of the accepted and the pending version") {
  AgentState state;
  CHECK_FALSE(rollback_floor(state).has_value());
  state.manifest_version = 7;
  CHECK(rollback_floor(state) == 7u);
  state.pending_manifest_version = 9;
  CHECK(rollback_floor(state) == 9u);
  state.manifest_version.reset();
  CHECK(rollback_floor(state) == 9u);
}

TEST_CASE("the pending manifest survives the state's JSON, and a damaged one is refused") {
  AgentState state = pending(3, 18446744073709551615ull);
  auto round_trip = agent_state_from_json(to_json(state));
  REQUIRE(round_trip.ok());
  CHECK(*round_trip == state);
  auto json = to_json(state);
  json["pendingManifest"]["version"] = -1;
  const auto damaged = agent_state_from_json(json);
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.error().message.find("pendingManifest.version") != std::string::npos);
}
