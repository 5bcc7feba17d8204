#include "agent/core/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace margo {

Duration Backoff::next_delay(std::optional<Duration> retry_after) {
  const double initial_ms = static_cast<double>(policy_.initial.count());
  const double max_ms = static_cast<double>(policy_.max.count());
  const double exponent = std::min<double>(failures_, 62.0);
  const double ceiling = std::min(max_ms, initial_ms * std::pow(policy_.multiplier, exponent));
  const double fixed_part = ceiling * (1.0 - policy_.jitter);
  const double random_part = ceiling * policy_.jitter * random_->next_unit();
  ++failures_;

  Duration delay(static_cast<Duration::rep>(fixed_part + random_part));
  if (retry_after) delay = std::max(delay, std::min(*retry_after, policy_.max_retry_after));
  return std::max(delay, Duration(1));
}

}  // namespace margo
