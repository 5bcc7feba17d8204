// HelmRuntime::remove and ::inspect against the fake helm CLI, including drift made behind its back.

#include <catch2/catch.hpp>

#include <unistd.h>

#include "tests/unit/runtime_helm/helm_test_rig.hpp"

using namespace margo;
using namespace margo::testing;

TEST_CASE("remove uninstalls the release and deletes its values file", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web", {}, {{"a", 1}});
  require_ok(rig.apply(spec));
  const std::string values_file =
      rig.settings().work_directory + "/" + spec.ref.runtime_name + ".values.json";
  REQUIRE(::access(values_file.c_str(), F_OK) == 0);

  require_ok(rig.remove(spec.ref));
  CHECK_FALSE(rig.release(spec.ref));
  CHECK(::access(values_file.c_str(), F_OK) != 0);
  const auto uninstalls = rig.invocations("uninstall");
  REQUIRE(uninstalls.size() == 1);
  CHECK(std::find(uninstalls[0].begin(), uninstalls[0].end(), "--wait") != uninstalls[0].end());
  CHECK(require_observation(rig.inspect(spec.ref)).health == ComponentHealth::missing);
}

TEST_CASE("removing a release that is not there succeeds", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("never-installed");
  require_ok(rig.remove(spec.ref));
  require_ok(rig.remove(spec.ref));
  CHECK(rig.logs().count("release already absent") == 2);
}

TEST_CASE("a failing uninstall is a retryable error naming the release and helm's words", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  rig.cluster().fail_next("uninstall", 1, "finalizer on pvc/data is stuck");
  const Error error = require_error(rig.remove(spec.ref));
  CHECK(error.code == "helm.uninstall_failed");
  CHECK(error.retryable());
  CHECK(error.message.find(spec.ref.runtime_name) != std::string::npos);
  CHECK(error.message.find("finalizer on pvc/data is stuck") != std::string::npos);
  require_ok(rig.remove(spec.ref));  // the next attempt goes through
}

TEST_CASE("inspect reports the release's state", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web");
  CHECK(require_observation(rig.inspect(spec.ref)).health == ComponentHealth::missing);
  require_ok(rig.apply(spec));
  CHECK(require_observation(rig.inspect(spec.ref)).health == ComponentHealth::running);

  rig.cluster().set_release_status("apps", spec.ref.runtime_name, "failed", "pod crash-looping");
  const ComponentObservation failed = require_observation(rig.inspect(spec.ref));
  CHECK(failed.health == ComponentHealth::failed);
  CHECK(failed.detail.find("pod crash-looping") != std::string::npos);

  rig.cluster().set_release_status("apps", spec.ref.runtime_name, "pending-upgrade");
  CHECK(require_observation(rig.inspect(spec.ref)).health == ComponentHealth::progressing);

  rig.cluster().delete_release("apps", spec.ref.runtime_name);
  CHECK(require_observation(rig.inspect(spec.ref)).health == ComponentHealth::missing);
}

TEST_CASE("inspect of an unreachable cluster is an error, not a missing component", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  rig.cluster().set_unreachable(true);
  const auto outcome = rig.inspect(spec.ref);
  REQUIRE(outcome.result);
  REQUIRE_FALSE(outcome.result->ok());
  CHECK(outcome.result->error().code == "runtime.unavailable");
}
