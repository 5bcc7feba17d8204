#pragma once
// Where a helm component's chart comes from, read from its properties:
//   repository: oci://registry/path/name   -> chart reference "oci://registry/path/name"
//   repository: https://charts.example/x   -> `--repo https://charts.example/x`, chart = component name
//   revision: 1.2.3                        -> `--version 1.2.3` (absent: the latest); profile B's
//                                             "1.2.3_build" (OCI tags cannot hold '+') -> "1.2.3+build"

#include <string>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"

namespace margo {

struct ChartSource {
  std::string chart;     // the CHART argument of helm upgrade
  std::string repo_url;  // --repo, empty for OCI
  std::string version;   // --version, empty for the latest
  // chart.metadata.name a release of this chart carries: the last path segment of an OCI reference
  // (OCI registries name the repository after the chart), or the component name.
  std::string chart_name;
};

// Errors: component.invalid_property (permanent) naming the property: repository missing, not a
// string, not oci:// or http(s)://, or with whitespace/control characters; revision not a string or
// not a plausible version.
Result<ChartSource> read_chart_source(const nlohmann::json& properties, const std::string& component_name);

}  // namespace margo
