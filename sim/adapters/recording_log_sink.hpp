#pragma once
// Keeps every log record, in order, for the simulation trace and for tests that check what was logged.

#include <vector>

#include "agent/ports/log_sink.hpp"

namespace margo {

class RecordingLogSink final : public LogSink {
 public:
  void write(const LogRecord& record) override;

  const std::vector<LogRecord>& records() const { return records_; }
  void clear();

 private:
  std::vector<LogRecord> records_;
};

}  // namespace margo
