#pragma once
// The component properties every runtime honours the same way: `wait` and `timeout`.

#include <string>

#include <nlohmann/json.hpp>

#include "agent/ports/executor.hpp"
#include "agent/ports/result.hpp"

namespace margo {

struct ComponentOptions {
  bool wait = false;  // wait until the workload is up before reporting it installed
  Duration timeout = std::chrono::minutes(5);
};

// Reads `wait` (a boolean, or the string "true"/"false" the spec's examples use) and `timeout`
// (a Go-style duration such as "8m30s", "90s", "1h"; at most 24 h) from a component's properties.
// Errors: component.invalid_property (permanent), naming the property and the value.
Result<ComponentOptions> read_component_options(const nlohmann::json& properties,
                                                ComponentOptions defaults = {});

// "8m30s" -> 510 s. Accepts h, m, s and ms units, in any combination, each once, largest first.
Result<Duration> parse_go_duration(const std::string& text);

}  // namespace margo
