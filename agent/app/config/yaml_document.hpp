#pragma once
// Turns config text into its one YAML document, with yaml-cpp's exceptions caught here. yaml-cpp 0.7's
// LoadAll never returns on a stray ',' at the top level (jbeder/yaml-cpp#1040, fixed upstream after 0.8.0):
// it reports the same empty document again and again until memory runs out. The documents are counted with
// the parser's event interface instead, which makes that case a syntax error.

#include <optional>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "agent/app/config/config_walker.hpp"

namespace margo {

// The document, or nullopt with the problem reported: a syntax error, nesting too deep, no document,
// or more than one.
std::optional<YAML::Node> load_single_document(std::string_view yaml, ProblemCollector& sink);

}  // namespace margo
