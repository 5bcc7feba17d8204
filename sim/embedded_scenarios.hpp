#pragma once
// Scenario files compiled into margo-sim, generated at build time from scenarios/*.yaml.

#include <string_view>

namespace margo::sim {

// scenarios/quickstart.yaml: what `margo-sim` runs without arguments.
extern const std::string_view kQuickstartScenario;

}  // namespace margo::sim
