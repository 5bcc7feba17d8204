#pragma once
// "did you mean ...?" for mistyped keys.

#include <optional>
#include <string_view>
#include <vector>

namespace margo {

// Edit distance (insertions, deletions, substitutions) between two strings, ignoring ASCII case.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known key closest to `key`, when it is close enough to be a likely typo, or else a known key
// that `key` starts with (or that starts with `key`).
std::optional<std::string_view> suggest_key(std::string_view key,
                                            const std::vector<std::string_view>& known_keys);

}  // namespace margo
