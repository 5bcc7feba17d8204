#pragma once
// Compose project names: what `docker compose -p` accepts (lowercase letters, digits, '-' and '_',
// starting with a letter or digit), readable, and unique per (deployment, component).

#include <string>
#include <string_view>

namespace margo {

// "<deployment name>-<component name>-<hash>": the names (sanitised, each shortened) are for people
// reading `docker ps`; the hash of (deployment id, component name) keeps two deployments with the
// same names apart. Never empty and always valid, whatever the inputs.
std::string make_project_name(std::string_view deployment_id, std::string_view deployment_name,
                              std::string_view component_name);

// The names the runtime accepts back from its caller (they are stored state, and they become a folder
// name and a label filter): the compose rules, at most 63 characters.
bool is_valid_project_name(std::string_view name);

}  // namespace margo
