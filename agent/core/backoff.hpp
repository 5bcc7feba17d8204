#pragma once
// Exponential backoff with jitter, honouring a server's Retry-After.

#include <optional>

#include "agent/ports/executor.hpp"
#include "agent/ports/random.hpp"

namespace margo {

struct BackoffPolicy {
  Duration initial = std::chrono::seconds(1);
  Duration max = std::chrono::minutes(5);
  double multiplier = 2.0;
  // Fraction of each delay that is randomized: 0.5 gives delays in [d/2, d).
  double jitter = 0.5;
  // A Retry-After longer than this is clamped, so a broken or hostile server cannot park the agent.
  Duration max_retry_after = std::chrono::hours(1);
};

class Backoff {
 public:
  Backoff(BackoffPolicy policy, Random& random) : policy_(policy), random_(&random) {}

  // The wait before the next attempt; each call counts one more failure. A Retry-After is a floor.
  Duration next_delay(std::optional<Duration> retry_after = std::nullopt);
  void reset() { failures_ = 0; }
  unsigned failures() const { return failures_; }

 private:
  BackoffPolicy policy_;
  Random* random_;
  unsigned failures_ = 0;
};

}  // namespace margo
