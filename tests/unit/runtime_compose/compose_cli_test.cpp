#include <catch2/catch.hpp>

#include "agent/runtime/compose/compose_cli.hpp"

using namespace margo;

namespace {

using Argv = std::vector<std::string>;

const ComposeCli kV1{ComposeFlavor::standalone_v1, "1.29.2", "/usr/bin/docker", "/usr/bin/docker-compose"};
const ComposeCli kV2{ComposeFlavor::plugin_v2, "2.24.5", "/usr/bin/docker", "/usr/bin/docker-compose"};

}  // namespace

TEST_CASE("compose command lines for v1 and v2", "[compose][cli]") {
  CHECK(config_check_argv(kV1, "shop", "/w/shop/pkg/compose.yaml") ==
        Argv{"/usr/bin/docker-compose", "-p", "shop", "-f", "/w/shop/pkg/compose.yaml", "config", "-q"});
  CHECK(config_check_argv(kV2, "shop", "/f.yaml") ==
        Argv{"/usr/bin/docker", "compose", "-p", "shop", "-f", "/f.yaml", "config", "-q"});

  CHECK(up_argv(kV1, "shop", "/f.yaml", std::nullopt) ==
        Argv{"/usr/bin/docker-compose", "-p", "shop", "-f", "/f.yaml", "up", "-d", "--remove-orphans"});
  // v1 has no --wait: the runtime polls instead.
  CHECK(up_argv(kV1, "shop", "/f.yaml", std::chrono::seconds(90)) ==
        Argv{"/usr/bin/docker-compose", "-p", "shop", "-f", "/f.yaml", "up", "-d", "--remove-orphans"});
  CHECK(up_argv(kV2, "shop", "/f.yaml", std::nullopt) ==
        Argv{"/usr/bin/docker", "compose", "-p", "shop", "-f", "/f.yaml", "up", "-d", "--remove-orphans"});
  CHECK(up_argv(kV2, "shop", "/f.yaml", std::chrono::milliseconds(90'500)) ==
        Argv{"/usr/bin/docker", "compose", "-p", "shop", "-f", "/f.yaml", "up", "-d", "--remove-orphans",
             "--wait", "--wait-timeout", "91"});

  CHECK(down_argv(kV1, "shop", "/f.yaml", false) ==
        Argv{"/usr/bin/docker-compose", "-p", "shop", "-f", "/f.yaml", "down", "--remove-orphans"});
  CHECK(down_argv(kV2, "shop", "/f.yaml", true) == Argv{"/usr/bin/docker", "compose", "-p", "shop", "-f",
                                                        "/f.yaml", "down", "--remove-orphans", "--volumes"});
}

TEST_CASE("an update never recreates by force or touches volumes", "[compose][cli]") {
  for (const auto& cli : {kV1, kV2}) {
    for (const auto& argument : up_argv(cli, "p", "/f", std::chrono::seconds(5))) {
      CHECK(argument != "--force-recreate");
      CHECK(argument != "--volumes");
      CHECK(argument != "-v");
      CHECK(argument != "--renew-anon-volumes");
    }
  }
}

TEST_CASE("docker command lines for inspection and removal by label", "[compose][cli]") {
  CHECK(container_list_argv("docker", "shop") == Argv{"docker", "ps", "--all", "--no-trunc", "--size=false",
                                                      "--filter", "label=com.docker.compose.project=shop",
                                                      "--format", "{{json .}}"});
  CHECK(list_ids_argv("docker", "container", "shop") == Argv{"docker", "ps", "--all", "--quiet", "--no-trunc",
                                                             "--filter",
                                                             "label=com.docker.compose.project=shop"});
  CHECK(list_ids_argv("docker", "volume", "shop") ==
        Argv{"docker", "volume", "ls", "--quiet", "--filter", "label=com.docker.compose.project=shop"});
  CHECK(remove_ids_argv("docker", "container", {"a", "b"}, false) ==
        Argv{"docker", "rm", "--force", "a", "b"});
  CHECK(remove_ids_argv("docker", "container", {"a"}, true) ==
        Argv{"docker", "rm", "--force", "--volumes", "a"});
  CHECK(remove_ids_argv("docker", "network", {"n"}, true) == Argv{"docker", "network", "rm", "n"});
  CHECK(split_ids("a\n b \n\nc") == Argv{"a", "b", "c"});
  CHECK(split_ids("").empty());
}

TEST_CASE("compose versions are read from --short output", "[compose][cli]") {
  CHECK(parse_compose_version("1.29.2\n") == "1.29.2");
  CHECK(parse_compose_version("v2.24.5-desktop.1\n") == "2.24.5-desktop.1");
  CHECK(parse_compose_version("2.20.2+ds1-0ubuntu1") == "2.20.2+ds1-0ubuntu1");
  CHECK_FALSE(parse_compose_version(""));
  CHECK_FALSE(parse_compose_version("docker: 'compose' is not a docker command."));
  CHECK_FALSE(parse_compose_version("version 1"));
}

TEST_CASE("engine-unreachable messages of both CLIs are recognised, other failures are not",
          "[compose][cli]") {
  CHECK(reports_engine_unreachable(
      "Cannot connect to the Docker daemon at unix:///nonexistent.sock. Is the docker daemon running?"));
  CHECK(reports_engine_unreachable(
      "Traceback ...\ndocker.errors.DockerException: Error while fetching server API "
      "version: ('Connection aborted.', FileNotFoundError(2, 'No such file'))"));
  CHECK(reports_engine_unreachable(
      "error during connect: Get \"http://10.0.0.1:2375/v1.24/version\": dial tcp"));
  CHECK(reports_engine_unreachable("permission denied while trying to connect to the Docker daemon socket"));
  // A failed pull says "connection refused" too, but the engine answered.
  CHECK_FALSE(
      reports_engine_unreachable("Pulling app (127.0.0.1:1/x:1)...\nGet \"http://127.0.0.1:1/v2/\": dial tcp "
                                 "127.0.0.1:1: connect: connection "
                                 "refused"));
  CHECK_FALSE(reports_engine_unreachable("Unsupported config option for services.app: 'bogus_key'"));
}

TEST_CASE("CLI output in error messages is cleaned and capped, keeping the end", "[compose][cli]") {
  CHECK(trimmed_output("  \x1b[31merror\x1b[0m: bad\r\n\n") == "error: bad");
  CHECK(trimmed_output(std::string("a\0b\x07"
                                   "c",
                                   5)) == "abc");
  const std::string long_text = std::string(5000, 'x') + "the real reason";
  const std::string trimmed = trimmed_output(long_text, 100);
  CHECK(trimmed.size() == 103);
  CHECK_THAT(trimmed, Catch::StartsWith("...") && Catch::EndsWith("the real reason"));
  // Never cut inside a UTF-8 sequence.
  const std::string accents = std::string(50, 'a') + "\xc3\xa9\xc3\xa9\xc3\xa9";
  CHECK(trimmed_output(accents, 5) == "...\xc3\xa9\xc3\xa9");
}
