#include <catch2/catch.hpp>

#include <cstdlib>

#include "agent/runtime/compose/project_environment.hpp"

using namespace margo;

namespace {

const ChildEnvironment kBase = base_environment("unix:///run/docker.sock", "/data/compose/.home");

Error environment_error(std::vector<ParameterValue> parameters) {
  auto environment = project_environment(kBase, parameters);
  REQUIRE_FALSE(environment.ok());
  CHECK(environment.error().code == "compose.invalid_parameter");
  CHECK(environment.error().error_class == ErrorClass::permanent);
  return environment.error();
}

}  // namespace

TEST_CASE("the child environment is exactly the fixed variables plus the parameters",
          "[compose][environment]") {
  // Something the agent's own environment has must not leak into the child.
  ::setenv("MARGO_AGENT_SECRET", "leak", 1);
  auto environment = project_environment(kBase, {{"SITE_NAME", "Plant-7"},
                                                 {"RETENTION", 30},
                                                 {"DEBUG", true},
                                                 {"RATIO", 2.5},
                                                 {"site_lower", "x"},
                                                 {"_UNDERSCORE", ""}});
  REQUIRE(environment.ok());
  const ChildEnvironment expected = {
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      {"HOME", "/data/compose/.home"},
      {"DOCKER_CONFIG", "/data/compose/.home/.docker"},
      {"DOCKER_HOST", "unix:///run/docker.sock"},
      {"SITE_NAME", "Plant-7"},
      {"RETENTION", "30"},
      {"DEBUG", "true"},
      {"RATIO", "2.5"},
      {"site_lower", "x"},
      {"_UNDERSCORE", ""},
  };
  CHECK(*environment == expected);
  ::unsetenv("MARGO_AGENT_SECRET");
}

TEST_CASE("reserved names are refused with a clear permanent error", "[compose][environment]") {
  for (const std::string name : {"PATH", "HOME", "DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CERT_PATH",
                                 "COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "LD_PRELOAD", "PYTHONPATH"}) {
    INFO(name);
    CHECK_THAT(environment_error({{name, "x"}}).message,
               Catch::Contains("reserved") && Catch::Contains(name));
  }
  // Not reserved: names that merely contain the words.
  CHECK(project_environment(kBase, {{"MY_PATH", "x"}, {"HOMEPAGE_URL", "y"}, {"XDOCKER_HOST", "z"}}).ok());
}

TEST_CASE("pointers that are not variable names are refused", "[compose][environment]") {
  for (const std::string name : {"", "1ABC", "A-B", "A.B", "A B", "A=B", "storage.retention.days", "ÄB"}) {
    INFO(name);
    CHECK_THAT(environment_error({{name, "x"}}).message, Catch::Contains("environment variable name"));
  }
}

TEST_CASE("values that are not scalars are refused without echoing them", "[compose][environment]") {
  CHECK_THAT(environment_error({{"LIST", nlohmann::json::array({1, 2})}}).message, Catch::Contains("array"));
  CHECK_THAT(environment_error({{"MAP", nlohmann::json{{"secret", "s3cr3t"}}}}).message,
             Catch::Contains("object") && !Catch::Contains("s3cr3t"));
  CHECK_THAT(environment_error({{"NOTHING", nullptr}}).message, Catch::Contains("null"));
  CHECK_THAT(environment_error({{"NUL", std::string("a\0b", 3)}}).message, Catch::Contains("NUL"));
}

TEST_CASE("one variable set twice must agree", "[compose][environment]") {
  CHECK(project_environment(kBase, {{"SITE", "a"}, {"SITE", "a"}}).ok());
  CHECK_THAT(environment_error({{"SITE", "a"}, {"SITE", "b"}}).message, Catch::Contains("different values"));
}
