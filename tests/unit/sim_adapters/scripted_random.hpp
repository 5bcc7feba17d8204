#pragma once
// A Random that returns the given values in turn (then starts over), to steer torn-write decisions.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "agent/ports/random.hpp"

namespace margo {

class ScriptedRandom final : public Random {
 public:
  explicit ScriptedRandom(std::vector<std::uint64_t> values) : values_(std::move(values)) {}

  std::uint64_t next_u64() override {
    const std::uint64_t value = values_[next_ % values_.size()];
    ++next_;
    return value;
  }
  std::size_t calls() const { return next_; }

 private:
  std::vector<std::uint64_t> values_;
  std::size_t next_ = 0;
};

}  // namespace margo
