#pragma once
// The readable account of a simulation: every log record of the agent and every exchange the fake
// WFM saw, one line each, stamped with virtual time. Deterministic: the same seed gives the same text.

#include <string>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/log_sink.hpp"

namespace margo::sim {

// "   12.345s  poller        manifest unchanged  etag=\"sha256:ab\""
std::string format_timeline_line(const LogRecord& record);
// Consecutive records that differ only in their time collapse into the first and a count, so an hour
// of identical polls reads as two lines.
std::string render_timeline(const std::vector<LogRecord>& records, LogLevel min_level = LogLevel::debug);
// Scenario time for reports, to the second: "1m5s", "360m0s".
std::string format_minutes_seconds(Duration time);

}  // namespace margo::sim
