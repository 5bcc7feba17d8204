#pragma once
// Bundles a hostile or broken WFM might serve, for scenarios that check the agent refuses them.

#include <string>
#include <string_view>

namespace margo::sim {

// "path-traversal" (../ in a name), "symlink", "too-many-entries", "not-gzip"; empty for an unknown kind.
std::string hostile_bundle(std::string_view kind);

}  // namespace margo::sim
