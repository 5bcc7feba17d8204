#pragma once
// The production random source for jitter and backoff: a fast generator seeded once from the kernel.
// Not for key material (keys come from OpenSSL's CSPRNG). One instance per thread: not synchronised.

#include <sys/random.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <random>

#include "agent/ports/random.hpp"

namespace margo {

class OsRandom final : public Random {
 public:
  OsRandom() : generator_(seeded_from_os()) {}

  std::uint64_t next_u64() override { return generator_(); }

 private:
  static std::mt19937_64 seeded_from_os() {
    std::array<std::uint32_t, 8> words{};
    if (::getrandom(words.data(), sizeof words, 0) != static_cast<ssize_t>(sizeof words)) {
      // No kernel entropy (very old kernel, seccomp): jitter only needs agents not to move in lockstep,
      // which the boot-relative clock and a (randomised) stack address already give.
      const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
      words[0] = static_cast<std::uint32_t>(ticks);
      words[1] = static_cast<std::uint32_t>(static_cast<std::uint64_t>(ticks) >> 32);
      words[2] = static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(&words));
    }
    std::seed_seq sequence(words.begin(), words.end());
    return std::mt19937_64(sequence);
  }

  std::mt19937_64 generator_;
};

}  // namespace margo
