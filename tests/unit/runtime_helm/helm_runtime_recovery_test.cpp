// What an interrupted helm leaves behind (fake-helm killing itself mid-operation) and how the next
// apply repairs it.

#include <catch2/catch.hpp>

#include "tests/unit/runtime_helm/helm_test_rig.hpp"

using namespace margo;
using namespace margo::testing;
using nlohmann::json;

namespace {

std::string recorded_status(const json& revision) {
  return revision["info"]["status"].get<std::string>();
}

// The first words of each command fake-helm ran, in order ("status", "upgrade", ...).
std::vector<std::string> commands(HelmRig& rig) {
  std::vector<std::string> words;
  for (const auto& line : rig.cluster().invocations()) words.push_back(line.front());
  return words;
}

}  // namespace

TEST_CASE("an install killed midway leaves pending-install, the next apply uninstalls and installs",
          "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web", {}, {{"a", 1}});
  rig.cluster().crash_next("install");
  const Error crashed = require_error(rig.apply(spec));
  CHECK(crashed.code == "helm.install_failed");
  CHECK(crashed.message.find("signal 9") != std::string::npos);
  REQUIRE(recorded_status(*rig.release(spec.ref)) == "pending-install");
  // Plain helm refuses to touch it now: the adapter has to repair it.
  CHECK(require_observation(rig.inspect(spec.ref)).health == ComponentHealth::progressing);

  require_ok(rig.apply(spec));
  CHECK(recorded_status(*rig.release(spec.ref)) == "deployed");
  CHECK((*rig.release(spec.ref))["config"] == json{{"a", 1}});
  CHECK(commands(rig) ==
        std::vector<std::string>{"status", "upgrade", "status", "status", "uninstall", "upgrade"});
  CHECK(rig.logs().count("release was left half-installed by an interrupted helm; uninstalling it first") ==
        1);
}

TEST_CASE("an upgrade killed midway leaves pending-upgrade, the next apply rolls back and upgrades",
          "[helm]") {
  HelmRig rig;
  ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  spec.properties["revision"] = "1.1.0";
  rig.cluster().crash_next("upgrade");
  const Error crashed = require_error(rig.apply(spec));
  CHECK(crashed.code == "helm.upgrade_failed");
  REQUIRE(recorded_status(*rig.release(spec.ref)) == "pending-upgrade");

  require_ok(rig.apply(spec));
  const auto history = rig.cluster().history("apps", spec.ref.runtime_name);
  REQUIRE(history.size() == 4);
  CHECK(history[2]["info"]["description"] == "Rollback to 1");
  CHECK(recorded_status(history[3]) == "deployed");
  CHECK(history[3]["chart"]["metadata"]["version"] == "1.1.0");
  CHECK(rig.invocations("rollback").size() == 1);
  CHECK(rig.logs().count("release was left mid-upgrade by an interrupted helm; rolling it back first") == 1);
}

TEST_CASE("a rollback killed midway leaves pending-rollback, repaired the same way", "[helm]") {
  HelmRig rig;
  ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  spec.properties["revision"] = "1.1.0";
  rig.cluster().crash_next("upgrade");
  require_error(rig.apply(spec));
  rig.cluster().crash_next("rollback");
  require_error(rig.apply(spec));
  REQUIRE(recorded_status(*rig.release(spec.ref)) == "pending-rollback");
  require_ok(rig.apply(spec));
  CHECK(recorded_status(*rig.release(spec.ref)) == "deployed");
  CHECK((*rig.release(spec.ref))["chart"]["metadata"]["version"] == "1.1.0");
}

TEST_CASE("an uninstall killed midway leaves uninstalling, remove and apply both finish the job", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  rig.cluster().crash_next("uninstall");
  require_error(rig.remove(spec.ref));
  REQUIRE(recorded_status(*rig.release(spec.ref)) == "uninstalling");
  SECTION("remove again") {
    require_ok(rig.remove(spec.ref));
    CHECK_FALSE(rig.release(spec.ref));
  }
  SECTION("apply again") {
    require_ok(rig.apply(spec));
    CHECK(recorded_status(*rig.release(spec.ref)) == "deployed");
  }
}
