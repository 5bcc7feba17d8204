#pragma once
// Reports the device capabilities: POST the first time, PUT whenever the file's content changes
// (the last step of onboarding, and again on every change). The file is re-read only when its size
// or modification time moved; its bytes are sent as they are.

#include <functional>
#include <optional>
#include <string>

#include "agent/core/backoff.hpp"
#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/core/persisted_state.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/wfm_api.hpp"

namespace margo {

class CapabilitiesReporter {
 public:
  CapabilitiesReporter(Executor& executor, Random& random, FileSystem& fs, WfmApi& wfm, PersistedState& state,
                       Logger logger, std::string path, BackoffPolicy retry);

  // Looks at the file and reports it when it differs from what the WFM last accepted. `settled` is
  // called once, when the first check has an outcome: reported, or failed in a way a retry of the
  // same content cannot fix (unreadable or invalid file, a 4xx from the WFM).
  void check(std::function<void()> settled = nullptr);
  void stop();
  bool idle() const { return !in_flight_; }
  std::size_t reports_sent() const { return reports_sent_; }

 private:
  struct FileVersion {
    std::uint64_t size = 0;
    std::int64_t modified_ns = 0;
    bool operator==(const FileVersion&) const = default;
  };

  void send(std::string content, std::string digest);
  void settle();
  void schedule_retry(const Error& error);

  Executor& executor_;
  FileSystem& fs_;
  WfmApi& wfm_;
  PersistedState& state_;
  Logger logger_;
  std::string path_;
  Backoff backoff_;
  std::function<void()> settled_;
  std::optional<FileVersion> seen_;  // the file version last read
  std::string refused_digest_;       // content the WFM refused: not sent again until it changes
  bool missing_reported_ = false;    // the missing file was logged (once, not every poll)
  std::optional<Executor::TimerId> retry_timer_;
  bool in_flight_ = false;
  bool stopped_ = false;
  std::size_t reports_sent_ = 0;
  Lifetime lifetime_;
};

}  // namespace margo
