#include "sim/adapters/recording_log_sink.hpp"

namespace margo {

void RecordingLogSink::write(const LogRecord& record) {
  records_.push_back(record);
}

void RecordingLogSink::clear() {
  records_.clear();
}

}  // namespace margo
