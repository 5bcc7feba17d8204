#pragma once
// Delivers the status outbox to the WFM, oldest report first, one at a time, so reports arrive in the
// order of the events they tell; while the WFM cannot be reached, a deployment's newer report replaces
// its unsent older ones (at most one per deployment waits, however long the outage). A report
// leaves the outbox only when the WFM accepted it (200/201); everything else is retried with capped
// backoff for as long as it takes (an outage of hours, a 404 from a restarting WFM); only 400, 413 and
// 422 end a report, logged and counted, since that very report can never be taken.

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
  std::uint64_t refused = 0;   // dropped after a 400, 413 or 422
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
  void coalesce();
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
