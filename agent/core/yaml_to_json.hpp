#pragma once
// yaml-cpp documents as nlohmann::json, with YAML 1.2 core-schema typing of plain scalars (quoted ones
// stay strings) and a cap on nodes visited, so an alias bomb ("billion laughs") cannot exhaust memory.

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"

namespace margo {

struct YamlLimits {
  std::size_t max_nodes = 100000;  // after alias expansion
  std::size_t max_depth = 64;
};

// Errors: yaml.invalid (permanent) with the line, or saying which limit was passed.
Result<nlohmann::json> parse_yaml_as_json(std::string_view yaml, const YamlLimits& limits = {});

}  // namespace margo
