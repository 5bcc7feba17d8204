#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <vector>

#include "sim/adapters/seeded_random.hpp"

namespace margo {
namespace {

std::vector<std::uint64_t> first_values(std::uint64_t seed, int count) {
  SeededRandom random(seed);
  std::vector<std::uint64_t> values;
  for (int index = 0; index < count; ++index) values.push_back(random.next_u64());
  return values;
}

TEST_CASE("the same seed gives the same sequence", "[seeded_random]") {
  CHECK(first_values(7, 100) == first_values(7, 100));
  CHECK(first_values(0, 100) == first_values(0, 100));
}

TEST_CASE("different seeds give different sequences", "[seeded_random]") {
  CHECK(first_values(7, 100) != first_values(8, 100));
  CHECK(first_values(0, 100) != first_values(1, 100));
}

TEST_CASE("the sequence is the xoshiro256** generator's and does not repeat early", "[seeded_random]") {
  Xoshiro256 reference(99);
  const auto values = first_values(99, 1000);
  for (const auto value : values) REQUIRE(value == reference.next());
  CHECK(std::set<std::uint64_t>(values.begin(), values.end()).size() == values.size());
}

TEST_CASE("the Random helpers stay in range", "[seeded_random]") {
  SeededRandom random(123);
  for (int index = 0; index < 1000; ++index) {
    const double unit = random.next_unit();
    REQUIRE(unit >= 0.0);
    REQUIRE(unit < 1.0);
    REQUIRE(random.next_below(10) < 10);
  }
  CHECK(random.next_below(0) == 0);
}

}  // namespace
}  // namespace margo
