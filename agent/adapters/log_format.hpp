#pragma once
// One log record as one line of text (no trailing newline), in logfmt or as a JSON object:
//   time=2026-11-24T10:00:00.123Z level=info component=poller msg="manifest unchanged" etag="\"abc\""
//   {"time":"2026-11-24T10:00:00.123Z","level":"info","component":"poller","msg":"manifest unchanged",...}
// Any bytes in a record give one well-formed line: newlines and control characters are escaped and
// invalid UTF-8 becomes U+FFFD. A field whose key is already taken ("msg", or an earlier field) gets a
// "field." prefix, so it can neither hide nor be hidden by another value.

#include <string>

#include "agent/ports/executor.hpp"
#include "agent/ports/log_sink.hpp"

namespace margo {

// Values are quoted only when needed: empty, or holding a space, '"', '=', a control character or
// invalid UTF-8. Keys are made safe by replacing such bytes with '_'.
std::string format_logfmt(const LogRecord& record);
std::string format_json_line(const LogRecord& record);
std::string format_log_line(LogFormat format, const LogRecord& record);

// UTC, RFC 3339, milliseconds: 2026-11-24T10:00:00.123Z.
std::string format_rfc3339_millis(WallTime time);

}  // namespace margo
