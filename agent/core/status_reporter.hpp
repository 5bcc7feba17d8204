#pragma once
// Delivers the status outbox to the WFM, oldest report first, one at a time, so each deployment's
// reports arrive in the order they happened. A report leaves the outbox only when the WFM accepted it
// (200/201); transport failures, 5xx and 429 are retried with backoff for as long as it takes (an
// outage of hours included); a report the WFM refuses outright (another 4xx) is dropped with an error
// in the log, since sending it again cannot succeed and would hold up all the others.

#include <cstdint>
#include <optional>

#include "agent/core/backoff.hpp"
#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/core/persisted_state.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/wfm_api.hpp"

namespace margo {

struct StatusReporterCounters {
  std::uint64_t delivered = 0;
  std::uint64_t refused = 0;   // dropped after a definitive 4xx
  std::uint64_t failures = 0;  // attempts that will be retried
};

class StatusReporter {
 public:
  StatusReporter(Executor& executor, Random& random, WfmApi& wfm, PersistedState& state, Logger logger,
                 BackoffPolicy retry);

  // Sends the outbox, if it is not already being sent.
  void kick();
  void stop();
  bool idle() const { return !in_flight_; }
  const StatusReporterCounters& counters() const { return counters_; }

 private:
  void send_head();
  void delivered(std::uint64_t sequence, bool refused);

  Executor& executor_;
  WfmApi& wfm_;
  PersistedState& state_;
  Logger logger_;
  Backoff backoff_;
  StatusReporterCounters counters_;
  std::optional<Executor::TimerId> retry_timer_;
  bool in_flight_ = false;
  bool stopped_ = false;
  Lifetime lifetime_;
};

}  // namespace margo
