#include <catch2/catch.hpp>

#include "sim/timeline.hpp"

using namespace margo;
using namespace margo::sim;
using namespace std::chrono_literals;

namespace {

LogRecord record(MonoTime at, std::string component, std::string message, std::vector<LogField> fields = {},
                 LogLevel level = LogLevel::info) {
  LogRecord r;
  r.mono_time = at;
  r.component = std::move(component);
  r.message = std::move(message);
  r.fields = std::move(fields);
  r.level = level;
  return r;
}

}  // namespace

TEST_CASE("a timeline line: virtual time, component, message, fields quoted when needed") {
  CHECK(format_timeline_line(
            record(12345ms, "poller", "manifest unchanged", {{"etag", "\"x\""}, {"n", "3"}})) ==
        "       12.345s  poller       manifest unchanged  etag=\"\\\"x\\\"\"  n=3");
  CHECK(format_timeline_line(record(0ms, "agent", "stopped", {}, LogLevel::error)) ==
        "        0.000s  agent        error: stopped");
}

TEST_CASE("repeated lines collapse into the first and a count; levels below the minimum are left out") {
  const std::vector<LogRecord> records = {
      record(1s, "wfm", "GET /m -> 304"),  record(16s, "wfm", "GET /m -> 304"),
      record(31s, "wfm", "GET /m -> 304"), record(40s, "poller", "detail", {}, LogLevel::debug),
      record(46s, "wfm", "GET /m -> 200"), record(61s, "wfm", "GET /m -> 304"),
  };
  const std::string text = render_timeline(records, LogLevel::info);
  CHECK(text ==
        "        1.000s  wfm          GET /m -> 304\n"
        "              ... 2 more like this, the last at 31.000s\n"
        "       46.000s  wfm          GET /m -> 200\n"
        "       61.000s  wfm          GET /m -> 304\n");
  CHECK_THAT(render_timeline(records, LogLevel::debug), Catch::Contains("poller       detail"));
}
