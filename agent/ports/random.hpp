#pragma once
// Randomness for jitter, backoff and simulated faults. Seeded from the OS in production and from the
// scenario seed in simulation. Not for key material: keys come from OpenSSL's CSPRNG.

#include <cstdint>

namespace margo {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::uint64_t next_u64() = 0;

  // Uniform in [0, 1).
  double next_unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in [0, bound); 0 when bound is 0.
  std::uint64_t next_below(std::uint64_t bound) { return bound == 0 ? 0 : next_u64() % bound; }
};

}  // namespace margo
