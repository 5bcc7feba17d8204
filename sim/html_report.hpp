#pragma once
// The conformance report as one self-contained HTML page: no scripts and no fetches (styles and the
// SVG timeline inline), so it opens anywhere, offline. Per scenario: the requirement table (pass, fail
// or not applicable, with the evidence of each expectation), and a timeline chart of the requests the
// WFM saw (coloured by answer) and the scenario's events.

#include <string>
#include <vector>

#include "sim/conformance_report.hpp"

namespace margo::sim {

std::string html_report(const std::vector<ScenarioRun>& runs);

}  // namespace margo::sim
