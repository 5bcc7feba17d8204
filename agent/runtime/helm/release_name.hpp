#pragma once
// Helm release names and Kubernetes namespace names: what the helm runtime chooses, and what it
// accepts from the engine before passing a name to the helm CLI.

#include <cstddef>
#include <string>
#include <string_view>

namespace margo {

// Helm refuses longer release names (they become label values with a suffix).
inline constexpr std::size_t kMaxReleaseNameLength = 53;

// "<deployment name>-<component name>-<hash>", lowercased, anything but [a-z0-9] turned into '-',
// shortened to 53 characters. The hash is 8 hex digits of SHA-256 over (deployment id, component
// name), so two deployments with the same names never share a release. When the names leave nothing
// usable (empty, digits or symbols only) the name is "margo-<hash>". The result always starts with a
// letter and ends with a letter or digit.
std::string helm_release_name(std::string_view deployment_id, std::string_view deployment_name,
                              std::string_view component_name);

// Helm's own rule for release names: DNS-1123 subdomain labels, at most 53 characters.
bool is_valid_release_name(std::string_view name);

// A Kubernetes namespace: one DNS-1123 label, at most 63 characters.
bool is_valid_namespace_name(std::string_view name);

}  // namespace margo
