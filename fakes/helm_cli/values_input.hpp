#pragma once
// The user-supplied values of an install or upgrade, merged as helm does: every --values file in order
// (maps merged key by key, anything else replaced), then every --set / --set-string in order.
//
// fake-helm reads values files as JSON only (helm reads YAML, of which JSON is a subset; the adapter
// writes JSON). --set follows helm's strvals: "a.b=1,c=x", '\' escapes the next character, "list[0]"
// indexes a list (missing elements become null), and a --set value is typed: true/false -> boolean,
// null -> null, an integer without leading zeros -> number, anything else -> string. --set-string
// keeps every value a string.

#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "fakes/helm_cli/command_line.hpp"

namespace margo::fake {

// The merged values, or the error text helm would print after "Error: ".
std::variant<nlohmann::json, std::string> read_user_values(const HelmCommandLine& line);

// helm's mergeMaps: `overlay` wins, nested maps are merged.
void merge_values(nlohmann::json& base, const nlohmann::json& overlay);

// One --set argument into `values`; the error text on failure.
std::string apply_set(nlohmann::json& values, const std::string& expression, bool as_strings);

}  // namespace margo::fake
