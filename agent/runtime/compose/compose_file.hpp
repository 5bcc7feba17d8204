#pragma once
// What the runtime reads from a stored compose file itself: which services `up` starts, so that
// inspect can notice a service with no container at all. Compose validates the file (config -q);
// this reader only has to be right about valid files and harmless on anything else.

#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo {

// The services `up` starts without --profile: every key of `services` except those that list
// `profiles`, or ask for zero replicas (`scale: 0`, `deploy.replicas: 0`).
// Errors: compose.invalid_file (permanent) when the text is not YAML or has no `services` mapping.
Result<std::vector<std::string>> started_services(std::string_view compose_yaml);

}  // namespace margo
