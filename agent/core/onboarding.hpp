#pragma once
// Onboarding (profile A): optionally fetch the WFM root CA over the already-trusted channel, then
// POST the device certificate and persist the clientId durably before anything else happens.
// Transient failures retry with backoff; a WFM that refuses the device (400, 401, 403, 409...)
// ends onboarding with an error and the agent stops: retrying a refusal only hammers the WFM.

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

struct OnboardingSettings {
  bool fetch_root_ca = false;
  std::string root_ca_path;  // where the fetched root CA is kept
  BackoffPolicy retry;
};

class Onboarding {
 public:
  Onboarding(Executor& executor, Random& random, FileSystem& fs, WfmApi& wfm, PersistedState& state,
             Logger logger, OnboardingSettings settings);

  // Completes once with success when a clientId is persisted (at once when one already is), or with
  // the WFM's refusal. Retryable failures never complete it: they are retried until stop().
  void run(Callback<void> done);
  void stop();
  bool idle() const { return !in_flight_; }

 private:
  void fetch_root_ca();
  void onboard();
  void persist_client_id();
  void retry_later(const Error& error, void (Onboarding::*step)());
  void finish(Status result);

  Executor& executor_;
  FileSystem& fs_;
  WfmApi& wfm_;
  PersistedState& state_;
  Logger logger_;
  OnboardingSettings settings_;
  Backoff backoff_;
  Callback<void> done_;
  std::string received_client_id_;
  std::optional<Executor::TimerId> retry_timer_;
  bool in_flight_ = false;
  // An earlier onboarding request of this run got no answer: the WFM may have onboarded the device and
  // its 201 been lost on the way back.
  bool answer_lost_ = false;
  bool stopped_ = false;
  Lifetime lifetime_;
};

}  // namespace margo
