#pragma once
// The timed events of a scenario file: faults at the WFM, the network and the runtimes, restarts,
// power losses, and changes of the desired state.

#include <yaml-cpp/yaml.h>

#include <string>

#include "sim/scenario.hpp"
#include "sim/scenario_reader.hpp"

namespace margo::sim {

ScenarioEvent parse_event(const Reader& read, const YAML::Node& node, const std::string& key);

}  // namespace margo::sim
