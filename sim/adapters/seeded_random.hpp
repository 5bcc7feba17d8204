#pragma once
// The simulator's random source: the scenario seed fully decides the sequence, so a run replays.

#include <cstdint>

#include "agent/core/prng.hpp"
#include "agent/ports/random.hpp"

namespace margo {

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : generator_(seed) {}

  std::uint64_t next_u64() override { return generator_.next(); }

 private:
  Xoshiro256 generator_;
};

}  // namespace margo
