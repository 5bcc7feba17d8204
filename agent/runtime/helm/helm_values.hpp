#pragma once
// The values a helm component gets from the deployment's parameters. A pointer is a `--set`-style path
// into the chart's values:
//   storage.retention.days      nested maps
//   annotations.app\.kubernetes\.io/name   a backslash makes the next character literal ("\." is a
//                               dot inside a key, "\\" a backslash, "\[" a bracket)
//   hosts[0].name               a list index (0..1023); missing elements before it are null, as
//                               with `helm --set`
// A value keeps the JSON type it arrived with: the string "30" stays a string, the number 30 stays a
// number (no guessing, unlike `--set`). Two parameters that disagree about a path are an error:
// `a` set to a value and `a.b` set too, `a.b` and `a[0]`, or `a` set twice to different values.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"
#include "agent/ports/workload_runtime.hpp"

namespace margo {

inline constexpr std::size_t kMaxValuesListIndex = 1023;

struct ValuesPathStep {
  bool is_index = false;
  std::string key;        // when !is_index
  std::size_t index = 0;  // when is_index
};

// Errors: component.invalid_parameter (permanent), naming the pointer and what is wrong with it.
Result<std::vector<ValuesPathStep>> parse_values_path(std::string_view pointer);

// The nested values object for all parameters of one component, in order.
// Errors: component.invalid_parameter (permanent) for a malformed pointer or conflicting parameters.
Result<nlohmann::json> build_helm_values(const std::vector<ParameterValue>& parameters);

// The values as the text of a values file (JSON, which YAML parsers read as YAML).
// Errors: component.invalid_parameter when a string is not valid UTF-8.
Result<std::string> values_file_text(const nlohmann::json& values);

}  // namespace margo
