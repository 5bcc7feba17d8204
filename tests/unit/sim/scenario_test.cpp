#include <catch2/catch.hpp>

#include <filesystem>

#include "sim/embedded_scenarios.hpp"
#include "sim/scenario_runner.hpp"

using namespace margo;
using namespace margo::sim;

TEST_CASE("every scenario of the suite passes") {
  std::size_t ran = 0;
  for (const auto& entry : std::filesystem::directory_iterator(MARGO_SOURCE_ROOT "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().filename().string());
    auto scenario = load_scenario_file(entry.path().string());
    REQUIRE(scenario.ok());
    const auto result = run_scenario(*scenario);
    for (const auto& failure : result.failures) UNSCOPED_INFO(failure);
    CHECK(result.passed());
    ++ran;
  }
  CHECK(ran >= 4);
}

TEST_CASE("the compiled-in quickstart is scenarios/quickstart.yaml") {
  auto embedded = parse_scenario(kQuickstartScenario, "embedded");
  auto file = load_scenario_file(MARGO_SOURCE_ROOT "/scenarios/quickstart.yaml");
  REQUIRE(embedded.ok());
  REQUIRE(file.ok());
  CHECK(run_scenario(*embedded).trace_sha256 == run_scenario(*file).trace_sha256);
}

TEST_CASE("same seed, same trace; another seed, another trace") {
  auto scenario = parse_scenario(kQuickstartScenario, "embedded");
  REQUIRE(scenario.ok());
  const auto first = run_scenario(*scenario, 42);
  const auto again = run_scenario(*scenario, 42);
  const auto other = run_scenario(*scenario, 43);
  CHECK(first.timeline == again.timeline);
  CHECK(first.trace_sha256 == again.trace_sha256);
  CHECK(first.trace_sha256 != other.trace_sha256);
}

TEST_CASE("a failing expectation fails the run and names what did not hold") {
  auto scenario = parse_scenario(R"(
name: impossible
duration: 1m
expect:
  minPolls: 1000
  onboardings: 2
)",
                                 "inline");
  REQUIRE(scenario.ok());
  const auto result = run_scenario(*scenario);
  CHECK_FALSE(result.passed());
  REQUIRE(result.failures.size() == 2);
  CHECK_THAT(result.failures[0], Catch::Contains("expected 2"));
  CHECK_THAT(result.failures[1], Catch::Contains("expected at least 1000"));
}

TEST_CASE("bad scenario files are refused with the key and the line") {
  struct Case {
    const char* yaml;
    const char* message;
  };
  for (const Case c :
       {Case{"name: x\nduratoin: 1m\n", "inline:2: duratoin: unknown key"},
        Case{"duration: 1m\n", "name: missing"}, Case{"name: x\nduration: soon\n", "duration"},
        Case{"name: x\nevents:\n  - at: 1m\n", "exactly one action"},
        Case{"name: x\nevents:\n  - at: 1m\n    wfmDown: true\n    partition: true\n", "exactly one"},
        Case{"name: x\nduration: 1m\nevents:\n  - at: 2m\n    wfmDown: true\n", "after the scenario"},
        Case{"name: x\nevents:\n  - at: 1m\n    failNext: {route: nowhere}\n", "unknown route class"},
        Case{"name: x\nnetwork:\n  loss: 2\n", "probability"}, Case{"name: [x\n", "inline:"},
        Case{"- just a list\n", "expected a mapping"}}) {
    INFO(c.yaml);
    auto scenario = parse_scenario(c.yaml, "inline");
    REQUIRE_FALSE(scenario.ok());
    CHECK(scenario.error().code == "scenario.invalid");
    CHECK_THAT(scenario.error().message, Catch::Contains(c.message));
  }
}
