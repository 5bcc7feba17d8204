#include <catch2/catch.hpp>

#include "agent/core/backoff.hpp"
#include "sim/adapters/seeded_random.hpp"

using namespace margo;
using namespace std::chrono_literals;

TEST_CASE("backoff grows exponentially within the jitter band and stops at the cap") {
  SeededRandom random(7);
  Backoff backoff(BackoffPolicy{1s, 60s, 2.0, 0.5, 1h}, random);
  const std::int64_t ceilings[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
  for (const auto ceiling : ceilings) {
    const auto delay = backoff.next_delay().count();
    CHECK(delay >= ceiling / 2);
    CHECK(delay < ceiling);
  }
  CHECK(backoff.failures() == 9);
  backoff.reset();
  CHECK(backoff.next_delay() < 1000ms);
}

TEST_CASE("a Retry-After is a floor for the next delay, clamped to the policy's maximum") {
  SeededRandom random(1);
  Backoff backoff(BackoffPolicy{1s, 60s, 2.0, 0.5, 10min}, random);
  CHECK(backoff.next_delay(120s) == 120s);
  CHECK(backoff.next_delay(0s) >= 1000ms);  // the exponential part still applies
  CHECK(backoff.next_delay(48h) == 10min);  // a hostile Retry-After cannot park the agent for days
}

TEST_CASE("the same seed gives the same delays") {
  SeededRandom first(42), second(42);
  Backoff a(BackoffPolicy{}, first), b(BackoffPolicy{}, second);
  for (int i = 0; i < 20; ++i) CHECK(a.next_delay() == b.next_delay());
}
