// Random damage to a valid config never crashes the loader, and always yields a config or problems.

#include <random>

#include <catch2/catch.hpp>

#include "tests/unit/app_config/config_test_support.hpp"

using namespace margo;
using namespace margo::test;

namespace {

constexpr std::string_view yaml_alphabet = ":-[]{}?&*!|>'\"%@`#,\t\n ~0123abcXYZ.\\/\x01\xff";

class Mutator {
 public:
  explicit Mutator(std::uint32_t seed) : random_(seed) {}

  std::string mutate(std::string text) {
    const int edits = below(4) + 1;
    for (int i = 0; i < edits && !text.empty(); ++i) text = edit(std::move(text));
    return text;
  }

 private:
  std::string edit(std::string text) {
    const std::size_t at = below(text.size());
    switch (below(7)) {
      case 0:  // truncate
        return text.substr(0, at);
      case 1:  // delete a range
        return text.erase(at, below(20) + 1);
      case 2:  // insert YAML punctuation and odd bytes
        return text.insert(at, 1, yaml_alphabet[below(yaml_alphabet.size())]);
      case 3:  // replace one character
        text[at] = yaml_alphabet[below(yaml_alphabet.size())];
        return text;
      case 4: {  // repeat a piece elsewhere (duplicate keys, odd nesting)
        const std::string piece = text.substr(at, below(60) + 1);
        return text.insert(below(text.size()), piece);
      }
      case 5:  // change indentation
        return text.insert(at, std::string(below(5) + 1, ' '));
      default: {  // swap two lines
        const std::size_t line_end = text.find('\n', at);
        if (line_end == std::string::npos) return text;
        const std::size_t next_end = text.find('\n', line_end + 1);
        if (next_end == std::string::npos) return text;
        const std::string first = text.substr(at, line_end - at);
        const std::string second = text.substr(line_end + 1, next_end - line_end - 1);
        return text.replace(at, next_end - at, second + "\n" + first);
      }
    }
  }

  std::size_t below(std::size_t bound) {
    return bound == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, bound - 1)(random_);
  }

  std::mt19937 random_;
};

}  // namespace

TEST_CASE("mutated and truncated configs never crash and yield a config or problems") {
  const ConfigFixture fixture;
  const std::string original = valid_config();
  constexpr std::uint32_t seed = 20240611;
  constexpr int runs = 10000;
  Mutator mutator(seed);
  int refused = 0;
  for (int run = 0; run < runs; ++run) {
    const std::string yaml = mutator.mutate(original);
    const ConfigLoad load = fixture.load(yaml);
    INFO("seed " << seed << " run " << run << "\n" << yaml << "\n" << describe(load));
    REQUIRE(load.config.has_value() == load.problems.empty());
    for (const auto& problem : load.problems) {
      REQUIRE(problem.file == "config.yaml");
      REQUIRE_FALSE(problem.reason.empty());
      REQUIRE(problem.line >= 0);
    }
    if (!load.config) ++refused;
  }
  // The mutations are not all harmless: most runs must have been refused.
  CHECK(refused > runs / 2);
}

TEST_CASE("every prefix of a valid config loads or is refused cleanly") {
  const ConfigFixture fixture;
  const std::string original = valid_config();
  for (std::size_t length = 0; length <= original.size(); ++length) {
    const ConfigLoad load = fixture.load(std::string_view(original).substr(0, length));
    INFO("prefix length " << length << "\n" << describe(load));
    REQUIRE(load.config.has_value() == load.problems.empty());
  }
}
