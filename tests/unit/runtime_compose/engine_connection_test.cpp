// How runtimes[].docker becomes DOCKER_HOST and the CLIs' TLS options, and that every command the
// runtime runs carries those options right after the program.

#include <catch2/catch.hpp>

#include "agent/runtime/compose/engine_connection.hpp"
#include "runtime_rig.hpp"

using namespace margo;
using namespace margo::test;

namespace {

using Argv = std::vector<std::string>;

}  // namespace

TEST_CASE("a unix socket never uses TLS, whatever else is set", "[compose][engine]") {
  const EngineConnection connection =
      engine_connection("unix:///var/run/docker.sock", true, "/etc/ca.pem", "/etc/c.pem", "/etc/k.pem");
  CHECK(connection.docker_host == "unix:///var/run/docker.sock");
  CHECK_FALSE(connection.tls.enabled);
  CHECK(engine_options(connection).empty());
}

TEST_CASE("https:// is tcp:// with TLS verified against the given CA", "[compose][engine]") {
  const EngineConnection connection =
      engine_connection("https://engine.plant:2376", false, "/etc/ca.pem", "", "");
  CHECK(connection.docker_host == "tcp://engine.plant:2376");
  CHECK(engine_options(connection) ==
        Argv{"-H", "tcp://engine.plant:2376", "--tlsverify", "--tlscacert", "/etc/ca.pem"});
}

TEST_CASE("tcp:// uses TLS once a file is given, with the client certificate and key", "[compose][engine]") {
  const EngineConnection plain = engine_connection("tcp://127.0.0.1:2375", false, "", "", "");
  CHECK(plain.docker_host == "tcp://127.0.0.1:2375");
  CHECK(engine_options(plain).empty());

  const EngineConnection mutual =
      engine_connection("tcp://127.0.0.1:2376", false, "/etc/ca.pem", "/etc/agent.crt", "/etc/agent.key");
  CHECK(mutual.docker_host == "tcp://127.0.0.1:2376");
  CHECK(engine_options(mutual) == Argv{"-H", "tcp://127.0.0.1:2376", "--tlsverify", "--tlscacert",
                                       "/etc/ca.pem", "--tlscert", "/etc/agent.crt", "--tlskey",
                                       "/etc/agent.key"});
}

TEST_CASE("tlsSkipVerification encrypts without checking the engine's certificate", "[compose][engine]") {
  const EngineConnection connection = engine_connection("tcp://127.0.0.1:2376", true, "/etc/ca.pem", "", "");
  CHECK(engine_options(connection) ==
        Argv{"-H", "tcp://127.0.0.1:2376", "--tls", "--tlscacert", "/etc/ca.pem"});
}

TEST_CASE("every command carries the engine options right after the program", "[compose][engine]") {
  ComposeSettings settings = test_settings();
  settings.docker_host = "tcp://127.0.0.1:2376";
  settings.tls = engine_connection(settings.docker_host, false, "/etc/ca.pem", "", "").tls;
  RuntimeRig rig(settings);
  rig.script_v1();
  REQUIRE(rig.apply(rig.spec()).ok());
  REQUIRE(rig.inspect().ok());
  REQUIRE(rig.remove().ok());
  CHECK(rig.processes.unexpected.empty());
  REQUIRE(rig.processes.runs.size() >= 7);
  for (const ProcessSpec& run : rig.processes.runs) {
    INFO(joined(run.argv));
    REQUIRE(run.argv.size() > 6);
    CHECK(Argv(run.argv.begin() + 1, run.argv.begin() + 6) ==
          Argv{"-H", "tcp://127.0.0.1:2376", "--tlsverify", "--tlscacert", "/etc/ca.pem"});
    CHECK(run.environment.at("DOCKER_HOST") == "tcp://127.0.0.1:2376");
  }
}
