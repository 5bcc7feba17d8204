// Packages as people make them (tar, openssl), and waiting for health checks, on the real engine.

#include <catch2/catch.hpp>

#include <fstream>

#include "tests/integration/compose_docker/docker_rig.hpp"

using namespace margo;
using namespace margo::test;

namespace {

// Mounts a configuration file from the package's sub-folder.
const std::string kConfigured = R"(services:
  app:
    image: margo-test/busybox:1
    network_mode: none
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000000 & wait"]
    volumes:
      - ./config/message.txt:/message.txt:ro
)";

void run(const std::string& command) {
  INFO(command);
  REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);
}

void require_success(const Status& status) {
  if (!status) FAIL(status.error().code << ": " << status.error().message);
}

}  // namespace

TEST_CASE("a tar.gz made with tar and signed with openssl deploys, and with a bad signature never does",
          "[compose][docker][signature]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig rig;
  const std::string source = rig.temp() / "source";
  rig.write_file("source/compose.yaml", kConfigured);
  rig.write_file("source/config/message.txt", "from the package\n");
  const std::string package = rig.temp() / "stack.tar.gz";
  const std::string key = rig.temp() / "key.pem";
  const std::string public_key = rig.temp() / "key.pub.pem";
  run("tar -C " + source + " -czf " + package + " .");
  run("openssl ecparam -name prime256v1 -genkey -noout -out " + key);
  run("openssl pkey -in " + key + " -pubout -out " + public_key);
  run("openssl dgst -sha256 -sign " + key + " -out " + package + ".sig " + package);

  const ComponentSpec spec =
      rig.component_at("signed", {{"packageLocation", package}, {"keyLocation", public_key}, {"wait", true}});
  require_success(rig.apply(spec));
  const auto ids = rig.containers(spec.ref);
  REQUIRE(ids.size() == 1);
  CHECK(trim(shell("docker exec " + ids.front() + " cat /message.txt").second) == "from the package");

  // A signature over other bytes: refused before anything is stored or run.
  rig.write_file("other", "other bytes");
  run("openssl dgst -sha256 -sign " + key + " -out " + package + ".sig " + (rig.temp() / "other").string());
  const Status refused = rig.apply(spec);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "compose.signature_invalid");
  CHECK(refused.error().error_class == ErrorClass::security);
  CHECK(rig.containers(spec.ref) == ids);  // what was running keeps running
  // No signature at all.
  std::filesystem::remove(package + ".sig");
  CHECK(rig.apply(spec).error().code == "compose.signature_invalid");
}

TEST_CASE("wait on docker-compose v1 returns once the health check passes, or times out",
          "[compose][docker][wait]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig rig;
  auto healthy_after = [](const std::string& delay) {
    return R"(services:
  app:
    image: margo-test/busybox:1
    network_mode: none
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep )" +
           delay + R"(; touch /tmp/ready; sleep 1000000 & wait"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      timeout: 1s
      retries: 100
)";
  };
  const ComponentSpec slow =
      rig.component("healthy", healthy_after("2"), {}, {{"wait", true}, {"timeout", "60s"}});
  const auto started = std::chrono::steady_clock::now();
  require_success(rig.apply(slow));
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::seconds(2));
  auto observed = rig.inspect(slow.ref);
  REQUIRE(observed.ok());
  CHECK(observed->health == ComponentHealth::running);

  const ComponentSpec never =
      rig.component("never", healthy_after("1000"), {}, {{"wait", true}, {"timeout", "4s"}});
  const Status timed_out = rig.apply(never);
  REQUIRE_FALSE(timed_out.ok());
  CHECK(timed_out.error().code == "compose.timeout");
  CHECK_THAT(timed_out.error().message, Catch::Contains("health: starting"));
  CHECK(rig.inspect(never.ref)->health == ComponentHealth::progressing);
}
