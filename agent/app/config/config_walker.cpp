#include "agent/app/config/config_walker.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "agent/app/config/file_checks.hpp"
#include "agent/app/config/key_suggestion.hpp"
#include "agent/app/config/value_parsers.hpp"

namespace margo {
namespace {

// Scalar content is left out: the value may be a secret written under the wrong key.
std::string kind_of(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a single value";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing (null)";
  }
  return "an unknown node";
}

bool is_null(const YAML::Node& node) {
  return !node.IsDefined() || node.IsNull();
}

std::vector<ConfigProblem> sorted(std::vector<ConfigProblem> problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const ConfigProblem& a, const ConfigProblem& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
  return problems;
}

}  // namespace

Position position_of(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

void ProblemCollector::problem(Position at, std::string key, std::string reason) {
  problems_.push_back(ConfigProblem{file_, at.line, at.column, std::move(key), std::move(reason)});
}

void ProblemCollector::warning(Position at, std::string key, std::string reason) {
  warnings_.push_back(ConfigProblem{file_, at.line, at.column, std::move(key), std::move(reason)});
}

bool ProblemCollector::check(const Field& field, const Status& status) {
  if (status) return true;
  problem(field, status.error().message);
  return false;
}

std::vector<ConfigProblem> ProblemCollector::take_problems() {
  return sorted(std::move(problems_));
}
std::vector<ConfigProblem> ProblemCollector::take_warnings() {
  return sorted(std::move(warnings_));
}

std::optional<Field> MapFields::entry(std::string_view key) const {
  for (const auto& [name, field] : entries_) {
    if (name == key) return field;
  }
  return std::nullopt;
}

std::optional<Field> MapFields::find(std::string_view key) const {
  auto field = entry(key);
  if (field && is_null(field->node)) return std::nullopt;
  return field;
}

std::string MapFields::path_of(std::string_view key) const {
  if (self_.path.empty()) return std::string(key);
  return self_.path + "." + std::string(key);
}

std::optional<MapFields> ConfigWalker::map(const Field& field,
                                           const std::vector<std::string_view>& known_keys) {
  MapFields fields(field);
  if (is_null(field.node)) return fields;
  if (!field.node.IsMap()) {
    sink_.problem(field, "expected a map, got " + kind_of(field.node));
    return std::nullopt;
  }
  std::map<std::string, int, std::less<>> first_lines;
  for (const auto& entry : field.node) {
    const YAML::Node key = entry.first;
    const Position key_position = position_of(key.Mark());
    if (!key.IsScalar()) {
      sink_.problem(key_position, field.path, "a key must be a single value, got " + kind_of(key));
      continue;
    }
    const std::string& name = key.Scalar();
    if (const auto first = first_lines.find(name); first != first_lines.end()) {
      sink_.problem(
          key_position, field.path,
          "duplicate key " + quote_value(name) + " (first at line " + std::to_string(first->second) + ")");
      continue;
    }
    first_lines.emplace(name, key_position.line);
    if (std::find(known_keys.begin(), known_keys.end(), name) == known_keys.end()) {
      std::string reason = "unknown key " + quote_value(name);
      if (const auto suggestion = suggest_key(name, known_keys)) {
        reason += " (did you mean '" + std::string(*suggestion) + "'?)";
      }
      sink_.problem(key_position, field.path, std::move(reason));
      continue;
    }
    const YAML::Node value = entry.second;
    const Position value_position = is_null(value) ? key_position : position_of(value.Mark());
    fields.add(name, Field{value, fields.path_of(name), value_position, key_position});
  }
  return fields;
}

std::optional<MapFields> ConfigWalker::child_map(const MapFields& parent, std::string_view key,
                                                 const std::vector<std::string_view>& known_keys) {
  if (const auto field = parent.entry(key)) return map(*field, known_keys);
  const Position at = parent.self().key_position;
  return MapFields(Field{YAML::Node(), parent.path_of(key), at, at});
}

std::optional<std::vector<Field>> ConfigWalker::sequence(const Field& field) {
  std::vector<Field> items;
  if (is_null(field.node)) return items;
  if (!field.node.IsSequence()) {
    sink_.problem(field, "expected a list, got " + kind_of(field.node));
    return std::nullopt;
  }
  std::size_t index = 0;
  for (const YAML::Node& item : field.node) {
    const Position at = is_null(item) ? field.value_position : position_of(item.Mark());
    items.push_back(Field{item, field.path + "[" + std::to_string(index++) + "]", at, at});
  }
  return items;
}

std::optional<Field> ConfigWalker::required(const MapFields& map, std::string_view key,
                                            std::string_view reason) {
  auto field = map.find(key);
  if (!field) sink_.problem(map.self().key_position, map.path_of(key), std::string(reason));
  return field;
}

std::optional<std::string> ConfigWalker::text(const Field& field) {
  if (!field.node.IsScalar()) {
    sink_.problem(field, "expected a single value, got " + kind_of(field.node));
    return std::nullopt;
  }
  return field.node.Scalar();
}

std::optional<std::string> ConfigWalker::non_empty_text(const Field& field) {
  auto value = text(field);
  if (value && value->empty()) {
    sink_.problem(field, "must not be empty");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> ConfigWalker::path(const Field& field) {
  const auto value = non_empty_text(field);
  if (!value) return std::nullopt;
  if (value->find('\0') != std::string::npos) {
    sink_.problem(field, "a path must not contain a NUL character");
    return std::nullopt;
  }
  return resolve_path(base_directory_, *value);
}

std::optional<std::string> ConfigWalker::existing_file(const Field& field) {
  auto resolved = path(field);
  if (!resolved || !sink_.check(field, check_readable_file(*resolved))) return std::nullopt;
  return resolved;
}

}  // namespace margo
