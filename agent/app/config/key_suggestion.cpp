#include "agent/app/config/key_suggestion.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>

namespace margo {
namespace {

char fold(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::optional<std::string_view> suggest_key(std::string_view key,
                                            const std::vector<std::string_view>& known_keys) {
  // Keys longer than any known one by far are not typos; this also bounds the work on hostile input.
  constexpr std::size_t max_key_length = 64;
  if (key.empty() || key.size() > max_key_length) return std::nullopt;
  // One edit per three characters, at least one, at most three.
  const std::size_t allowed = std::clamp<std::size_t>(key.size() / 3, 1, 3);
  std::optional<std::string_view> best;
  std::size_t best_distance = allowed + 1;
  for (const std::string_view known : known_keys) {
    const std::size_t distance = edit_distance(key, known);
    if (distance < best_distance) {
      best = known;
      best_distance = distance;
    }
  }
  if (best) return best;
  // A known key with something added or cut off at the end: "signatureAlgorithm" for "signatureAlgo".
  constexpr std::size_t min_prefix_length = 4;
  for (const std::string_view known : known_keys) {
    const std::size_t shorter = std::min(key.size(), known.size());
    if (shorter >= min_prefix_length &&
        edit_distance(key.substr(0, shorter), known.substr(0, shorter)) == 0) {
      return known;
    }
  }
  return std::nullopt;
}

}  // namespace margo
