#pragma once
// A scenario run read as a conformance table: one row per checklist item its expectations name,
// passed only when every expectation naming it held; as text for the terminal and as JUnit XML (one
// testcase per item per scenario) for CI systems.

#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario_runner.hpp"

namespace margo::sim {

struct RequirementRow {
  int item = 0;
  std::string_view title;
  bool passed = true;
  std::vector<const Verdict*> verdicts;  // the expectations naming this item
};

// Ascending by item.
std::vector<RequirementRow> requirement_rows(const ScenarioResult& result);

// "  45  refuses a manifestVersion that is not strictly greater ... PASS  (manifestVersion: ...)"
std::string requirement_table(const ScenarioResult& result);

struct ScenarioRun {
  std::string name;    // the scenario's name
  std::string source;  // the file it came from
  ScenarioResult result;
};

// The command that runs this scenario again with the same seed.
std::string replay_command(const ScenarioRun& run);

std::string junit_xml(const std::vector<ScenarioRun>& runs);

// Text with &, <, >, " and ' escaped, and control characters XML 1.0 cannot hold dropped.
std::string xml_escaped(std::string_view text);

}  // namespace margo::sim
