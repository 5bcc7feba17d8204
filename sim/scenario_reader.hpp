#pragma once
// Reading scenario YAML: strict (unknown keys refused), failing at the first problem with the source,
// the line and the key. Shared by the scenario's top level and its events.

#include <yaml-cpp/yaml.h>

#include <set>
#include <string>

#include "agent/app/config/value_parsers.hpp"

namespace margo::sim {

// Scenario parsing stops at the first problem: the message names the source, the key and the line.
struct ScenarioError {
  std::string message;
};

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& reason) const {
    std::string where = source_;
    if (node.IsDefined() && node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
    throw ScenarioError{where + ": " + key + ": " + reason};
  }

  void only_keys(const YAML::Node& map, const std::string& key, std::set<std::string> allowed) const {
    if (!map.IsMap()) fail(map, key, "expected a mapping");
    for (const auto& entry : map) {
      const auto name = entry.first.as<std::string>();
      if (!allowed.count(name)) fail(entry.first, key.empty() ? name : key + "." + name, "unknown key");
    }
  }

  std::string text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "expected a scalar");
    return node.as<std::string>();
  }

  Duration duration(const YAML::Node& node, const std::string& key) const {
    auto parsed = parse_duration(text(node, key));
    if (!parsed) fail(node, key, parsed.error().message);
    return *parsed;
  }

  std::uint64_t count(const YAML::Node& node, const std::string& key) const {
    const std::string value = text(node, key);
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 19)
      fail(node, key, "expected a non-negative integer");
    return std::stoull(value);
  }

  bool flag(const YAML::Node& node, const std::string& key) const {
    auto parsed = parse_bool(text(node, key));
    if (!parsed) fail(node, key, parsed.error().message);
    return *parsed;
  }

  double probability(const YAML::Node& node, const std::string& key) const {
    try {
      const double value = node.as<double>();
      if (value < 0.0 || value > 1.0) fail(node, key, "expected a probability in [0, 1]");
      return value;
    } catch (const YAML::Exception&) {
      fail(node, key, "expected a number");
    }
  }

 private:
  std::string source_;
};

}  // namespace margo::sim
