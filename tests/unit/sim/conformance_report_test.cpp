// Scenario verdicts as a conformance table: each expectation names checklist items, a row fails when
// any expectation naming it failed, JUnit XML has a testcase per row, and margo-sim writes the same
// trace bytes for the same seed.

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sim/conformance_report.hpp"
#include "sim/requirements.hpp"
#include "sim/scenario.hpp"

using namespace margo;
using namespace margo::sim;

namespace {

// A short deploy: one compose deployment installed, then polled idle.
std::string deploy_scenario(const std::string& expectations) {
  return "name: short-deploy\nseed: 7\nduration: 10m\nagent: {pollInterval: 15s}\nevents:\n"
         "  - at: 1m\n    deployments:\n      - {id: d-1, type: compose, components: [web]}\n"
         "expect:\n" +
         expectations;
}

ScenarioResult run(const std::string& yaml) {
  auto scenario = parse_scenario(yaml, "test.yaml");
  INFO((scenario ? std::string() : scenario.error().message));
  REQUIRE(scenario.ok());
  return run_scenario(*scenario);
}

const RequirementRow* row_of(const std::vector<RequirementRow>& rows, int item) {
  for (const auto& row : rows)
    if (row.item == item) return &row;
  return nullptr;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("every expectation names checklist items the catalogue knows") {
  for (const char* key : {"agentPhase", "onboardings", "minPolls", "minNotModified", "capabilitiesReports",
                          "manifestVersion", "allSignaturesVerified", "deployments", "statusSequence",
                          "runtimeComponents", "outboxEmpty", "quietWindows"}) {
    INFO(key);
    const auto items = default_requirements(key);
    CHECK_FALSE(items.empty());
    for (const int item : items) CHECK_FALSE(requirement_title(item).empty());
  }
  CHECK(default_requirements("noSuchKey").empty());
}

TEST_CASE("a passing run: every row passes, and each row lists the expectations naming it") {
  const auto result = run(deploy_scenario(
      "  manifestVersion: 2\n  deployments: {d-1: installed}\n  statusSequence: {d-1: [pending, installing, "
      "installed]}\n  minNotModified: 10\n"));
  INFO(requirement_table(result));
  REQUIRE(result.passed());
  const auto rows = requirement_rows(result);
  for (const int item : {1, 19, 41, 45, 56, 57, 58, 79, 82}) {
    INFO(item);
    const auto* row = row_of(rows, item);
    REQUIRE(row != nullptr);
    CHECK(row->passed);
  }
  CHECK(row_of(rows, 57)->verdicts.size() == 1);  // deployments
  CHECK(row_of(rows, 57)->verdicts.front()->expectation == "deployments");
}

TEST_CASE("a failed expectation fails the rows it names and no others") {
  const auto result = run(deploy_scenario("  manifestVersion: 9\n  deployments: {d-1: installed}\n"));
  const auto rows = requirement_rows(result);
  CHECK_FALSE(result.passed());
  for (const int item : {45, 58, 59}) CHECK_FALSE(row_of(rows, item)->passed);
  for (const int item : {56, 57, 19}) CHECK(row_of(rows, item)->passed);
  const std::string table = requirement_table(result);
  CHECK(table.find("FAILED: manifestVersion: accepted manifestVersion is 2, expected 9") !=
        std::string::npos);
}

TEST_CASE("a scenario names its own checklist items for a key; unknown keys and items are refused") {
  const auto result =
      run(deploy_scenario("  deployments: {d-1: installed}\n  requirements: {deployments: [52, 53]}\n"));
  const auto rows = requirement_rows(result);
  CHECK(row_of(rows, 52) != nullptr);
  CHECK(row_of(rows, 57) == nullptr);

  const auto unknown_key = parse_scenario(deploy_scenario("  requirements: {pollCount: [39]}\n"), "t.yaml");
  REQUIRE_FALSE(unknown_key.ok());
  CHECK(unknown_key.error().message.find("expect.requirements.pollCount") != std::string::npos);
  const auto unknown_item =
      parse_scenario(deploy_scenario("  requirements: {deployments: [95]}\n"), "t.yaml");
  REQUIRE_FALSE(unknown_item.ok());
  CHECK(unknown_item.error().message.find("checklist item 95") != std::string::npos);
}

TEST_CASE("JUnit XML: a testcase per checklist item per scenario, failures with evidence and the replay") {
  std::vector<ScenarioRun> runs;
  runs.push_back({"good", "scenarios/good.yaml", run(deploy_scenario("  deployments: {d-1: installed}\n"))});
  runs.push_back({"bad <one>", "scenarios/bad.yaml", run(deploy_scenario("  manifestVersion: 9\n"))});
  const std::string xml = junit_xml(runs);
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0) == 0);
  CHECK(xml.find("<testsuite name=\"good\" tests=\"") != std::string::npos);
  CHECK(xml.find("<testsuite name=\"bad &lt;one&gt;\"") != std::string::npos);
  CHECK(xml.find("name=\"checklist 45: refuses a manifestVersion that is not strictly greater\">") !=
        std::string::npos);
  CHECK(xml.find("replay: margo-sim run scenarios/bad.yaml --seed 7") != std::string::npos);
  std::size_t testcases = 0;
  for (auto at = xml.find("<testcase "); at != std::string::npos; at = xml.find("<testcase ", at + 1))
    ++testcases;
  CHECK(testcases == requirement_rows(runs[0].result).size() + requirement_rows(runs[1].result).size());
  CHECK(xml.find("failures=\"0\"") != std::string::npos);
  CHECK(xml_escaped("a&b\x01<\"'>") == "a&amp;b&lt;&quot;&apos;&gt;");
}

TEST_CASE("margo-sim run writes the same trace bytes for the same seed, and JUnit for CI") {
  const std::string bin = MARGO_BINARY_DIR "/bin/margo-sim";
  const std::string scenario = MARGO_SOURCE_ROOT "/scenarios/rollback-refused.yaml";
  const std::string dir = MARGO_BINARY_DIR "/tests/unit/sim";
  const auto run_sim = [&](const std::string& name) {
    const std::string command = bin + " run " + scenario + " --seed 5 --quiet --trace " + dir + "/" + name +
                                ".trace --junit " + dir + "/" + name + ".xml > " + dir + "/" + name +
                                ".out 2>&1";
    return std::system(command.c_str());
  };
  REQUIRE(run_sim("first") == 0);
  REQUIRE(run_sim("second") == 0);
  const std::string trace = read_all(dir + "/first.trace");
  CHECK(trace.rfind("scenario: rollback-refused (seed 5)\n", 0) == 0);
  CHECK(trace == read_all(dir + "/second.trace"));
  CHECK(read_all(dir + "/first.xml").find("<testsuite name=\"rollback-refused\"") != std::string::npos);
  CHECK(read_all(dir + "/first.out").find("requirements (client checklist") != std::string::npos);
}

TEST_CASE("timed and wire expectations: reported by a deadline, If-None-Match, nothing after a refusal") {
  SECTION("a deadline the report missed fails row 79 and says when it came") {
    const auto result = run(deploy_scenario("  reportedBy: {d-1: {installed: 61s, removed: 9m}}\n"));
    const auto rows = requirement_rows(result);
    REQUIRE(row_of(rows, 79) != nullptr);
    CHECK_FALSE(row_of(rows, 79)->passed);
    const std::string table = requirement_table(result);
    CHECK(table.find("FAILED: reportedBy: d-1 installed by 1m1s: received at 1m") != std::string::npos);
    CHECK(table.find("FAILED: reportedBy: d-1 removed by 9m0s: never received") != std::string::npos);
  }
  SECTION("a generous deadline and the ETag check hold") {
    const auto result =
        run(deploy_scenario("  reportedBy: {d-1: {installed: 3m}}\n  ifNoneMatchAfterFirst200: true\n"));
    INFO(requirement_table(result));
    CHECK(result.passed());
    CHECK(row_of(requirement_rows(result), 41)->passed);
  }
  SECTION("noRequestsAfterRefusal needs a refusal to hold") {
    const auto result = run(deploy_scenario("  noRequestsAfterRefusal: true\n"));
    CHECK_FALSE(row_of(requirement_rows(result), 16)->passed);
    CHECK(requirement_table(result).find("no onboarding was refused") != std::string::npos);
  }
}

TEST_CASE("a deliberately broken client that drops its ETag fails rows 41, 42 and 60, and only those") {
  const std::string expectations =
      "  ifNoneMatchAfterFirst200: true\n  minNotModified: 5\n  deployments: {d-1: installed}\n";
  const auto good = run(deploy_scenario(expectations));
  INFO(requirement_table(good));
  REQUIRE(good.passed());

  std::string broken_yaml = deploy_scenario(expectations);
  const std::string agent_line = "agent: {pollInterval: 15s}";
  broken_yaml.replace(broken_yaml.find(agent_line), agent_line.size(),
                      "agent: {pollInterval: 15s, brokenForTesting: drop-if-none-match}");
  const auto broken = run(broken_yaml);
  std::vector<int> failed;
  for (const auto& row : requirement_rows(broken))
    if (!row.passed) failed.push_back(row.item);
  CHECK(failed == std::vector<int>{41, 42, 60});
}

TEST_CASE("capabilities re-sent after a change, and the request rate over a window") {
  const std::string changing =
      "name: caps\nseed: 2\nduration: 6m\nagent: {pollInterval: 15s}\nevents:\n"
      "  - at: 2m07s\n    changeCapabilities: \"0009\"\nexpect:\n";
  const auto resent = run(changing + "  capabilitiesResentWithin: 20s\n  capabilitiesReports: 2\n");
  INFO(requirement_table(resent));
  CHECK(resent.passed());
  CHECK(row_of(requirement_rows(resent), 27)->passed);

  const auto too_soon = run(changing + "  capabilitiesResentWithin: 1s\n");
  CHECK_FALSE(row_of(requirement_rows(too_soon), 27)->passed);
  const auto no_change = run(deploy_scenario("  capabilitiesResentWithin: 20s\n"));
  CHECK(requirement_table(no_change).find("changed no capabilities") != std::string::npos);

  const auto busy = run(deploy_scenario("  maxRequestsPerHour: {from: 0s, to: 10m, max: 3}\n"));
  CHECK_FALSE(row_of(requirement_rows(busy), 39)->passed);
  CHECK(requirement_table(busy).find("expected at most 3") != std::string::npos);
}

TEST_CASE("security events are counted by code from the agent's log") {
  const auto none = run(deploy_scenario("  securityEvents: {manifest.rollback: 1}\n"));
  CHECK_FALSE(row_of(requirement_rows(none), 46)->passed);
  CHECK(requirement_table(none).find("0 security events manifest.rollback logged, expected 1") !=
        std::string::npos);
  const auto zero = run(deploy_scenario("  securityEvents: {manifest.rollback: 0}\n"));
  CHECK(row_of(requirement_rows(zero), 46)->passed);
}
