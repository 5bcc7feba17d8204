#pragma once
// Polls the desired-state manifest: the first poll at once, then every interval with jitter;
// exponential backoff with jitter after failures, never sooner than a Retry-After. A 200 body is
// checked (Content-Type, schema, digests, rollback protection) before it is handed to the desired-
// state handler; the version and ETag are persisted only once the handler took it all in.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "agent/core/backoff.hpp"
#include "agent/core/desired_state_handler.hpp"
#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/core/persisted_state.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/wfm_api.hpp"

namespace margo {

struct PollSettings {
  Duration interval = std::chrono::seconds(15);
  double jitter = 0.1;  // each wait is interval * (1 +/- jitter)
  BackoffPolicy retry;
};

struct PollCounters {
  std::uint64_t polls = 0;
  std::uint64_t not_modified = 0;  // 304
  std::uint64_t changed = 0;       // 200 with a new manifest
  std::uint64_t accepted = 0;      // taken in: plan and pending manifest persisted
  std::uint64_t in_progress = 0;   // the pending manifest again, while it is being applied
  std::uint64_t rejected = 0;      // invalid or rolled back: never applied
  std::uint64_t failed = 0;        // transport, HTTP error or handler failure
};

class ManifestPoller {
 public:
  ManifestPoller(Executor& executor, Random& random, WfmApi& wfm, PersistedState& state,
                 DesiredStateHandler& handler, Logger logger, PollSettings settings);

  // Called before every poll (the capabilities check hangs here).
  void set_before_poll(std::function<void()> hook) { before_poll_ = std::move(hook); }
  void start();
  void stop();
  bool idle() const { return !in_flight_; }
  const PollCounters& counters() const { return counters_; }

 private:
  void poll();
  void on_fetched(Result<ManifestFetch> fetched);
  void on_manifest(ManifestFetch fetched);
  void reject(const Error& error, const std::string& body_digest);
  void succeeded();
  void failed(const Error& error);
  void schedule(Duration delay);

  Executor& executor_;
  Random& random_;
  WfmApi& wfm_;
  PersistedState& state_;
  DesiredStateHandler& handler_;
  Logger logger_;
  PollSettings settings_;
  Backoff backoff_;
  std::function<void()> before_poll_;
  PollCounters counters_;
  std::string last_rejected_;  // digest of the last rejected body: logged once, not on every poll
  std::optional<Executor::TimerId> timer_;
  bool in_flight_ = false;
  bool stopped_ = true;
  Lifetime lifetime_;
};

}  // namespace margo
