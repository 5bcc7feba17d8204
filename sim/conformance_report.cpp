#include "sim/conformance_report.hpp"

#include <map>

#include "sim/requirements.hpp"

namespace margo::sim {

std::vector<RequirementRow> requirement_rows(const ScenarioResult& result) {
  std::map<int, RequirementRow> rows;
  for (const Verdict& verdict : result.verdicts) {
    for (const int item : verdict.requirements) {
      RequirementRow& row = rows[item];
      row.item = item;
      row.title = requirement_title(item);
      row.passed = row.passed && verdict.passed;
      row.verdicts.push_back(&verdict);
    }
  }
  std::vector<RequirementRow> ordered;
  for (auto& [item, row] : rows) ordered.push_back(std::move(row));
  return ordered;
}

std::string requirement_table(const ScenarioResult& result) {
  std::string text = "requirements (client checklist, margo-api.md section 7):\n";
  for (const RequirementRow& row : requirement_rows(result)) {
    std::string line = "  " + std::to_string(row.item);
    line.resize(7, ' ');
    line += std::string(row.title) + " ";
    if (line.size() < 84) line.resize(84, '.');
    line += row.passed ? " PASS" : " FAIL";
    text += line + "\n";
    for (const Verdict* verdict : row.verdicts)
      if (!row.passed || verdict == row.verdicts.front())
        text += "         " + std::string(verdict->passed ? "held: " : "FAILED: ") + verdict->expectation +
                ": " + verdict->evidence + "\n";
  }
  return text;
}

std::string replay_command(const ScenarioRun& run) {
  return "margo-sim run " + run.source + " --seed " + std::to_string(run.result.seed);
}

std::string xml_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        if (byte >= 0x20 || c == '\n' || c == '\t' || c == '\r') out += c;
    }
  }
  return out;
}

std::string junit_xml(const std::vector<ScenarioRun>& runs) {
  std::string body;
  std::size_t all_tests = 0;
  std::size_t all_failures = 0;
  for (const ScenarioRun& run : runs) {
    const auto rows = requirement_rows(run.result);
    std::size_t failures = 0;
    std::string cases;
    for (const RequirementRow& row : rows) {
      cases += "    <testcase classname=\"" + xml_escaped("margo-sim." + run.name) + "\" name=\"" +
               xml_escaped("checklist " + std::to_string(row.item) + ": " + std::string(row.title)) + "\"";
      if (row.passed) {
        cases += "/>\n";
        continue;
      }
      ++failures;
      std::string evidence;
      for (const Verdict* verdict : row.verdicts)
        if (!verdict->passed) evidence += verdict->expectation + ": " + verdict->evidence + "\n";
      evidence += "replay: " + replay_command(run) + "\n";
      cases += ">\n      <failure message=\"" + xml_escaped(evidence.substr(0, evidence.find('\n'))) + "\">" +
               xml_escaped(evidence) + "</failure>\n    </testcase>\n";
    }
    body += "  <testsuite name=\"" + xml_escaped(run.name) + "\" tests=\"" + std::to_string(rows.size()) +
            "\" failures=\"" + std::to_string(failures) + "\">\n" + cases + "  </testsuite>\n";
    all_tests += rows.size();
    all_failures += failures;
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"margo-sim\" tests=\"" +
         std::to_string(all_tests) + "\" failures=\"" + std::to_string(all_failures) + "\">\n" + body +
         "</testsuites>\n";
}

}  // namespace margo::sim
