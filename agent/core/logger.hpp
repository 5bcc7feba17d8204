#pragma once
// A named logger over the LogSink port: filters by level and stamps records with the executor's time.
// Fields are given explicitly, so nothing is logged that the caller did not choose (no secrets).

#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/log_sink.hpp"

namespace margo {

class Logger {
 public:
  Logger(LogSink& sink, const Executor& clock, LogLevel min_level, std::string component)
      : sink_(&sink), clock_(&clock), min_level_(min_level), component_(std::move(component)) {}

  Logger named(std::string component) const {
    return Logger(*sink_, *clock_, min_level_, std::move(component));
  }

  bool enabled(LogLevel level) const { return level >= min_level_; }

  void log(LogLevel level, std::string_view message, std::vector<LogField> fields = {}) const {
    if (!enabled(level)) return;
    LogRecord record;
    record.level = level;
    record.wall_time = clock_->wall_now();
    record.mono_time = clock_->now();
    record.component = component_;
    record.message = std::string(message);
    record.fields = std::move(fields);
    sink_->write(record);
  }
  void debug(std::string_view message, std::vector<LogField> fields = {}) const {
    log(LogLevel::debug, message, std::move(fields));
  }
  void info(std::string_view message, std::vector<LogField> fields = {}) const {
    log(LogLevel::info, message, std::move(fields));
  }
  void warn(std::string_view message, std::vector<LogField> fields = {}) const {
    log(LogLevel::warn, message, std::move(fields));
  }
  void error(std::string_view message, std::vector<LogField> fields = {}) const {
    log(LogLevel::error, message, std::move(fields));
  }
  void fatal(std::string_view message, std::vector<LogField> fields = {}) const {
    log(LogLevel::fatal, message, std::move(fields));
  }

 private:
  LogSink* sink_;
  const Executor* clock_;
  LogLevel min_level_;
  std::string component_;
};

}  // namespace margo
