// Deploy, update, break and remove a compose project on the real engine.

#include <catch2/catch.hpp>

#include "tests/integration/compose_docker/docker_rig.hpp"

using namespace margo;
using namespace margo::test;

namespace {

// busybox sh as PID 1 would ignore SIGTERM (and make every stop wait 10 s): it traps it instead.
const std::string kGreeter = R"(services:
  app:
    image: margo-test/busybox:1
    network_mode: none
    command: ["sh", "-c", "trap 'exit 0' TERM; echo \"$$GREETING\" > /tmp/greeting; sleep 1000000 & wait"]
    environment:
      GREETING: ${GREETING}
    volumes:
      - data:/data
volumes:
  data:
)";

std::string exec(const std::string& container, const std::string& command) {
  const auto [ok, output] = shell("docker exec " + container + " sh -c '" + command + "'");
  INFO("docker exec " << container << " " << command);
  CHECK(ok);
  return trim(output);
}

std::string single_container(DockerRig& rig, const ComponentRef& ref) {
  const auto ids = rig.containers(ref);
  REQUIRE(ids.size() == 1);
  return ids.front();
}

void require_ok(const Status& status) {
  if (!status) FAIL(status.error().code << ": " << status.error().message);
}

}  // namespace

TEST_CASE("deploy, update with a new parameter keeping the volume, notice a kill, remove keeping the volume",
          "[compose][docker]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig rig;
  const nlohmann::json options = {{"wait", true}, {"timeout", "60s"}};
  ComponentSpec spec = rig.component("greeter", kGreeter, {{"GREETING", "hello"}}, options);

  require_ok(rig.apply(spec));
  auto running = rig.inspect(spec.ref);
  REQUIRE(running.ok());
  CHECK(running->health == ComponentHealth::running);
  const std::string first = single_container(rig, spec.ref);
  CHECK(exec(first, "cat /tmp/greeting") == "hello");
  exec(first, "echo kept > /data/marker");

  // The same package with a changed parameter: compose recreates the container, the volume stays.
  spec.parameters = {{"GREETING", "bonjour"}};
  require_ok(rig.apply(spec));
  const std::string second = single_container(rig, spec.ref);
  CHECK(second != first);
  CHECK(exec(second, "cat /tmp/greeting") == "bonjour");
  CHECK(exec(second, "cat /data/marker") == "kept");
  // Applying again changes nothing.
  require_ok(rig.apply(spec));
  CHECK(single_container(rig, spec.ref) == second);

  // Killed behind the agent's back: the runtime sees it.
  REQUIRE(shell("docker kill " + second).first);
  auto killed = rig.inspect(spec.ref);
  REQUIRE(killed.ok());
  CHECK(killed->health == ComponentHealth::failed);
  CHECK_THAT(killed->detail, Catch::Contains("service app") && Catch::Contains("exited"));

  require_ok(rig.remove(spec.ref));
  auto gone = rig.inspect(spec.ref);
  REQUIRE(gone.ok());
  CHECK(gone->health == ComponentHealth::missing);
  CHECK(rig.containers(spec.ref, true).empty());
  CHECK_FALSE(std::filesystem::exists(rig.project_dir(spec.ref)));
  CHECK(rig.volumes(spec.ref).size() == 1);  // remove_volumes is off: the data stays
  require_ok(rig.remove(spec.ref));          // removing what is not there succeeds
}

TEST_CASE("with remove_volumes the project's named volume goes too", "[compose][docker]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig rig([](ComposeSettings& settings) { settings.remove_volumes = true; });
  const ComponentSpec spec = rig.component("volumes", kGreeter, {{"GREETING", "x"}});
  require_ok(rig.apply(spec));
  CHECK(rig.volumes(spec.ref).size() == 1);
  require_ok(rig.remove(spec.ref));
  CHECK(rig.volumes(spec.ref).empty());
  CHECK(rig.containers(spec.ref, true).empty());
}

TEST_CASE("a project whose folder is gone is removed by its labels", "[compose][docker]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig rig([](ComposeSettings& settings) { settings.remove_volumes = true; });
  const ComponentSpec spec = rig.component("orphan", kGreeter, {{"GREETING", "x"}});
  require_ok(rig.apply(spec));
  std::filesystem::remove_all(rig.project_dir(spec.ref));  // as after a crash, or a hand-made mess
  CHECK(rig.containers(spec.ref).size() == 1);
  require_ok(rig.remove(spec.ref));
  CHECK(rig.containers(spec.ref, true).empty());
  CHECK(rig.volumes(spec.ref).empty());
  CHECK(rig.inspect(spec.ref)->health == ComponentHealth::missing);
}
