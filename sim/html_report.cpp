#include "sim/html_report.hpp"

#include <algorithm>
#include <chrono>

#include "sim/timeline.hpp"

namespace margo::sim {
namespace {

constexpr int kChartWidth = 960;
constexpr int kLaneHeight = 18;
constexpr int kAxisHeight = 24;
constexpr const char* kRoutes[] = {"onboarding", "capabilities", "manifest", "artifact", "status"};

constexpr const char* kStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
tr.pass td.verdict { background: #d9f2d9; } tr.fail td.verdict { background: #f8d0d0; font-weight: bold; }
tr.not-applicable td.verdict { background: #eee; }
td.evidence { font-family: ui-monospace, monospace; font-size: 12px; white-space: pre-wrap; }
code { font-family: ui-monospace, monospace; }
.summary { font-size: 1.1em; } .failed { color: #b00; }
)";

double seconds_of(Duration time) {
  return std::chrono::duration<double>(time).count();
}

std::string number(double value) {
  std::string text = std::to_string(static_cast<long long>(value * 10 + 0.5));
  if (text.size() < 2) text.insert(0, "0");
  return text.substr(0, text.size() - 1) + "." + text.substr(text.size() - 1);
}

std::string colour_of(int status) {
  if (status == 0) return "#999";                            // no answer
  if (status / 100 == 2 || status == 304) return "#2a8a2a";  // a success
  return "#c03030";
}

std::string timeline_svg(const ChartMarks& chart) {
  const double total = std::max(1.0, seconds_of(chart.duration));
  const int lanes = static_cast<int>(std::size(kRoutes));
  const int label_width = 100;
  const int height = kAxisHeight + lanes * kLaneHeight + 40;
  const auto x_of = [&](Duration at) {
    return number(label_width + (kChartWidth - label_width - 30) * std::min(1.0, seconds_of(at) / total));
  };
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kChartWidth) +
                    "\" height=\"" + std::to_string(height) + "\" role=\"img\" aria-label=\"timeline\">\n";
  for (int lane = 0; lane < lanes; ++lane) {
    const int y = kAxisHeight + lane * kLaneHeight;
    svg +=
        "<text x=\"4\" y=\"" + std::to_string(y + 13) + "\" font-size=\"12\">" + kRoutes[lane] + "</text>\n";
    svg += "<line x1=\"" + std::to_string(label_width) + "\" x2=\"" + std::to_string(kChartWidth - 30) +
           "\" y1=\"" + std::to_string(y + kLaneHeight / 2) + "\" y2=\"" +
           std::to_string(y + kLaneHeight / 2) + "\" stroke=\"#e4e4e4\"/>\n";
  }
  for (const auto& [at, what] : chart.events) {
    svg += "<line x1=\"" + x_of(at) + "\" x2=\"" + x_of(at) + "\" y1=\"" + std::to_string(kAxisHeight - 4) +
           "\" y2=\"" + std::to_string(kAxisHeight + lanes * kLaneHeight) +
           "\" stroke=\"#4060c0\" stroke-dasharray=\"3,3\"><title>" + xml_escaped(what) + "</title></line>\n";
  }
  for (const auto& request : chart.requests) {
    const auto lane = std::find(std::begin(kRoutes), std::end(kRoutes), request.route) - std::begin(kRoutes);
    if (lane >= lanes) continue;
    const int y = kAxisHeight + static_cast<int>(lane) * kLaneHeight + 3;
    svg += "<rect x=\"" + x_of(request.at) + "\" y=\"" + std::to_string(y) + "\" width=\"2\" height=\"" +
           std::to_string(kLaneHeight - 6) + "\" fill=\"" + colour_of(request.status) + "\"/>\n";
  }
  for (int tick = 0; tick <= 10; ++tick) {
    const Duration at = std::chrono::duration_cast<Duration>(chart.duration * tick / 10);
    const std::string label =
        std::to_string(std::chrono::duration_cast<std::chrono::minutes>(at).count()) + "m";
    svg += "<text x=\"" + x_of(at) + "\" y=\"" + std::to_string(kAxisHeight + lanes * kLaneHeight + 16) +
           "\" font-size=\"11\" text-anchor=\"middle\">" + label + "</text>\n";
  }
  return svg + "</svg>\n";
}

std::string requirement_table_html(const ScenarioRun& run) {
  std::string html =
      "<table class=\"requirements\">\n<tr><th>item</th><th>requirement</th><th>verdict</th>"
      "<th>evidence</th></tr>\n";
  for (const RequirementRow& row : requirement_rows(run.result)) {
    std::string evidence;
    for (const Verdict* verdict : row.verdicts)
      evidence += std::string(verdict->passed ? "held: " : "FAILED: ") + verdict->expectation + ": " +
                  verdict->evidence + "\n";
    html += "<tr class=\"" + std::string(row.passed ? "pass" : "fail") + "\" data-item=\"" +
            std::to_string(row.item) + "\"><td>" + std::to_string(row.item) + "</td><td>" +
            xml_escaped(std::string(row.title)) + "</td><td class=\"verdict\">" +
            (row.passed ? "pass" : "FAIL") + "</td><td class=\"evidence\">" + xml_escaped(evidence) +
            "</td></tr>\n";
  }
  return html + "</table>\n";
}

}  // namespace

std::string html_report(const std::vector<ScenarioRun>& runs) {
  std::size_t rows = 0;
  std::size_t failed = 0;
  for (const ScenarioRun& run : runs)
    for (const RequirementRow& row : requirement_rows(run.result)) {
      ++rows;
      failed += row.passed ? 0 : 1;
    }
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<title>Margo client conformance report</title>\n<style>" +
      std::string(kStyle) + "</style>\n</head>\n<body>\n<h1>Margo client conformance report</h1>\n";
  html += "<p class=\"summary\">" + std::to_string(runs.size()) + " scenario(s), " + std::to_string(rows) +
          " requirement rows: " + std::to_string(rows - failed) + " passed, <span class=\"" +
          (failed == 0 ? "" : "failed") + "\">" + std::to_string(failed) +
          " failed</span>. Items are those of the client checklist (margo-api.md section 7); a row "
          "passes when every expectation naming it held.</p>\n";
  for (const ScenarioRun& run : runs) {
    html += "<section id=\"" + xml_escaped("scenario-" + run.name) + "\">\n<h2>" + xml_escaped(run.name) +
            " " + (run.result.passed() ? "(passed)" : "<span class=\"failed\">(failed)</span>") + "</h2>\n";
    html += "<p>seed " + std::to_string(run.result.seed) + "; replay: <code>" +
            xml_escaped(replay_command(run)) + "</code></p>\n";
    html += requirement_table_html(run);
    html +=
        "<p>Requests the WFM saw (green: answered 2xx or 304; red: an error status; grey: no answer) and "
        "the scenario's events (dashed):</p>\n" +
        timeline_svg(run.result.chart) + "</section>\n";
  }
  return html + "</body>\n</html>\n";
}

}  // namespace margo::sim
