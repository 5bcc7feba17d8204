#pragma once
// The production log sink: one formatted line per record on stderr (or another descriptor). Safe to
// call from several threads (the signal-handling thread logs too): lines never interleave.

#include <mutex>

#include "agent/adapters/log_format.hpp"
#include "agent/ports/log_sink.hpp"

namespace margo {

class StderrLogSink final : public LogSink {
 public:
  explicit StderrLogSink(LogFormat format, int fd = 2);

  // One write(2) of the whole line; a line the descriptor cannot take is dropped, as there is nowhere
  // left to report that.
  void write(const LogRecord& record) override;

 private:
  const LogFormat format_;
  const int fd_;
  std::mutex mutex_;
};

}  // namespace margo
