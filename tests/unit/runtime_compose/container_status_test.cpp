#include <catch2/catch.hpp>

#include <tuple>

#include "agent/runtime/compose/container_status.hpp"

using namespace margo;

namespace {

// A line as `docker ps --format '{{json .}}'` prints it (docker 28 CLI against a 20.10 engine).
std::string line(const std::string& service, const std::string& state, const std::string& status,
                 const std::string& one_off = "False") {
  return R"({"Command":"\"sh -c 'exec sleep 1000000'\"","CreatedAt":"2026-11-24 19:42:51 +0000 UTC","ID":"3dab",)"
         R"("Image":"margo-test/busybox:1","Labels":"com.docker.compose.config-hash=17db,)"
         R"(com.docker.compose.oneoff=)" +
         one_off +
         R"(,com.docker.compose.project.config_files=/w/a,b.yaml,)"
         R"(com.docker.compose.project=shop,com.docker.compose.service=)" +
         service +
         R"(,com.docker.compose.version=1.29.2","LocalVolumes":"1","Mounts":"shop_data",)"
         R"("Names":"shop_)" +
         service +
         R"(_1","Networks":"none","Platform":null,"Ports":"","RunningFor":"6 seconds ago",)"
         R"("Size":"0B","State":")" +
         state + R"(","Status":")" + status + "\"}\n";
}

ComponentObservation observe(const std::string& output, const std::vector<std::string>& expected = {}) {
  auto containers = parse_container_lines(output);
  REQUIRE(containers.ok());
  return summarize_containers(*containers, expected);
}

}  // namespace

TEST_CASE("docker ps lines are parsed into service, state, status and health", "[compose][status]") {
  auto containers = parse_container_lines(line("web", "running", "Up 5 seconds (healthy)") +
                                          line("db", "exited", "Exited (137) 2 seconds ago") + "\n\n" +
                                          line("init", "exited", "Exited (0) 1 minute ago", "True"));
  REQUIRE(containers.ok());
  REQUIRE(containers->size() == 3);
  const ContainerStatus& web = (*containers)[0];
  CHECK(web.service == "web");
  CHECK(web.name == "shop_web_1");
  CHECK(web.state == "running");
  CHECK(web.health == ContainerHealth::healthy);
  CHECK_FALSE(web.one_off);
  CHECK((*containers)[1].state == "exited");
  CHECK((*containers)[1].health == ContainerHealth::none);
  CHECK((*containers)[2].one_off);
}

TEST_CASE("health follows from the containers", "[compose][status]") {
  CHECK(observe("").health == ComponentHealth::missing);
  CHECK(observe("\n  \n").health == ComponentHealth::missing);
  // Only one-off containers (`compose run`): the project itself is not there.
  CHECK(observe(line("job", "exited", "Exited (0)", "True")).health == ComponentHealth::missing);

  CHECK(observe(line("web", "running", "Up 5 seconds")).health == ComponentHealth::running);
  CHECK(observe(line("web", "running", "Up 5 seconds (healthy)") + line("db", "running", "Up 1 minute"))
            .health == ComponentHealth::running);

  for (const auto& [state, status] :
       std::vector<std::pair<std::string, std::string>>{{"running", "Up 2 seconds (health: starting)"},
                                                        {"restarting", "Restarting (1) 1 second ago"},
                                                        {"created", "Created"}}) {
    INFO(state << " " << status);
    const auto observation = observe(line("web", "running", "Up 1 minute") + line("db", state, status));
    CHECK(observation.health == ComponentHealth::progressing);
    CHECK_THAT(observation.detail, Catch::Contains("service db"));
  }

  for (const auto& [state, status, shown] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"exited", "Exited (137) 3 seconds ago", "Exited (137)"},
           {"dead", "Dead", "Dead"},
           {"running", "Up 3 minutes (unhealthy)", "Up (unhealthy)"}}) {
    INFO(state << " " << status);
    // A failure outranks a container that is still starting.
    const auto observation =
        observe(line("web", "running", "Up 1 second (health: starting)") + line("db", state, status));
    CHECK(observation.health == ComponentHealth::failed);
    CHECK_THAT(observation.detail, Catch::Contains("service db") && Catch::Contains(shown));
  }
}

TEST_CASE("the detail does not change as time passes, so a failure is not reported again and again",
          "[compose][status]") {
  const auto first = observe(line("db", "exited", "Exited (137) 1 second ago"));
  const auto later = observe(line("db", "exited", "Exited (137) About a minute ago"));
  CHECK(first.health == ComponentHealth::failed);
  CHECK(first.detail == later.detail);
  CHECK(first.detail == "service db: exited (Exited (137))");
}

TEST_CASE("a service of the compose file without a container is a failure naming it", "[compose][status]") {
  const auto observation = observe(line("web", "running", "Up 1 minute"), {"web", "worker"});
  CHECK(observation.health == ComponentHealth::failed);
  CHECK_THAT(observation.detail, Catch::Contains("service worker: no container"));
  CHECK(observe(line("web", "running", "Up 1 minute"), {"web"}).health == ComponentHealth::running);
}

TEST_CASE("stderr noise never reaches the parser, and malformed lines are an error", "[compose][status]") {
  // The runtime parses stdout only; these are what would break it if it did not.
  for (const std::string bad :
       {"WARNING: No swap limit support\n", "{\"State\":\"running\"\n", "[1,2]\n", "{\"Names\":\"x\"}\n",
        "\xff\xfe{}\n", "{\"State\":\"running\",\"Labels\":5}garbage\n"}) {
    INFO(bad);
    auto parsed = parse_container_lines(line("web", "running", "Up") + bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == "compose.inspect_failed");
    CHECK_THAT(parsed.error().message, Catch::Contains("line 2"));
  }
  // Odd but well-formed: non-string fields are ignored, not fatal.
  auto odd = parse_container_lines(R"({"State":"running","Labels":5,"Names":null,"Status":3})");
  REQUIRE(odd.ok());
  CHECK(odd->front().service.empty());
}

TEST_CASE("label values with commas stay whole", "[compose][status]") {
  auto containers = parse_container_lines(line("web", "running", "Up"));
  REQUIRE(containers.ok());
  // config_files is "/w/a,b.yaml": the comma must not end the label list early.
  CHECK(containers->front().service == "web");
}
