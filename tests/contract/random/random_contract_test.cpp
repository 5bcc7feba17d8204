#include <catch2/catch.hpp>

#include <set>

#include "agent/adapters/os_random.hpp"
#include "sim/adapters/seeded_random.hpp"

using namespace margo;

TEMPLATE_TEST_CASE("a Random gives values in range and spread out", "", OsRandom, SeededRandom) {
  auto make = [] {
    if constexpr (std::is_same_v<TestType, SeededRandom>) {
      return SeededRandom(99);
    } else {
      return OsRandom();
    }
  };
  auto random = make();
  std::set<std::uint64_t> seen;
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const double unit = random.next_unit();
    REQUIRE(unit >= 0.0);
    REQUIRE(unit < 1.0);
    sum += unit;
    REQUIRE(random.next_below(7) < 7);
    seen.insert(random.next_u64());
  }
  CHECK(random.next_below(0) == 0);
  CHECK(seen.size() == 10000);
  CHECK(sum / 10000 == Approx(0.5).margin(0.02));
}

TEST_CASE("two OsRandom instances are seeded differently") {
  OsRandom first, second;
  CHECK(first.next_u64() != second.next_u64());
}
