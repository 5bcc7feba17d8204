#pragma once
// Where structured log records go: stderr lines in production, the trace in simulation.

#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/executor.hpp"

namespace margo {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3, fatal = 4 };

// How the production sink writes lines (logging.format).
enum class LogFormat { logfmt, json };

struct LogField {
  std::string key;
  std::string value;
};

struct LogRecord {
  LogLevel level = LogLevel::info;
  WallTime wall_time{};
  MonoTime mono_time{};
  std::string component;  // "onboarding", "poller", ...
  std::string message;    // short, constant text: "manifest rejected"
  std::vector<LogField> fields;
};

class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(const LogRecord& record) = 0;
};

inline std::string_view to_string(LogLevel level) {
  switch (level) {
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
    case LogLevel::fatal:
      return "fatal";
  }
  return "unknown";
}

}  // namespace margo
