// What the runtime says on the real engine when things go wrong.

#include <catch2/catch.hpp>

#include "tests/integration/compose_docker/docker_rig.hpp"

using namespace margo;
using namespace margo::test;

namespace {

Error require_error(const Status& status) {
  REQUIRE_FALSE(status.ok());
  return status.error();
}

}  // namespace

TEST_CASE("a compose file compose refuses is compose.invalid_file with compose's reason",
          "[compose][docker]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig rig;
  const ComponentSpec spec = rig.component("invalid", R"(services:
  app:
    image: margo-test/busybox:1
    network_mode: none
    bogus_key: 1
)");
  const Error error = require_error(rig.apply(spec));
  CHECK(error.code == "compose.invalid_file");
  CHECK(error.error_class == ErrorClass::permanent);
  CHECK_THAT(error.message, Catch::Contains("bogus_key"));
  CHECK(rig.containers(spec.ref, true).empty());
}

TEST_CASE("an image that cannot be pulled is compose.up_failed with compose's reason", "[compose][docker]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig rig;
  // A registry on a closed loopback port: the pull fails at once and nothing leaves the machine.
  const ComponentSpec spec = rig.component("noimage", R"(services:
  app:
    image: 127.0.0.1:1/margo-test/absent:1
    network_mode: none
)");
  const Error error = require_error(rig.apply(spec));
  CHECK(error.code == "compose.up_failed");
  CHECK(error.retryable());
  CHECK_THAT(error.message, Catch::Contains("127.0.0.1:1"));
}

TEST_CASE("an unreachable package URL is a retryable compose.package_fetch_failed", "[compose][docker]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig rig;
  const std::string url =
      "https://127.0.0.1:" + std::to_string(unused_loopback_port()) + "/compose.yaml?token=s3cr3t";
  const ComponentSpec spec = rig.component_at("unreachable", {{"packageLocation", url}});
  const Error error = require_error(rig.apply(spec));
  CHECK(error.code == "compose.package_fetch_failed");
  CHECK(error.retryable());
  CHECK_THAT(error.message, Catch::Contains("127.0.0.1") && !Catch::Contains("s3cr3t"));
}

TEST_CASE("an engine that is not there makes the runtime unavailable, retryably", "[compose][docker]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig rig(
      [](ComposeSettings& settings) { settings.docker_host = "unix:///tmp/margo-no-such-docker.sock"; });
  const ComponentSpec spec = rig.component("noengine", "services: {app: {image: margo-test/busybox:1}}\n");
  const Error error = require_error(rig.apply(spec));
  CHECK(error.code == "runtime.unavailable");
  CHECK(error.retryable());
  CHECK_THAT(error.message, Catch::Contains("margo-no-such-docker.sock"));
  CHECK(rig.inspect(spec.ref).error().code == "runtime.unavailable");
  CHECK(require_error(rig.remove(spec.ref)).code == "runtime.unavailable");
}
