#pragma once
// Walks the YAML tree against the schema: maps with their known keys (unknown and duplicate keys are
// reported), lists, scalars, values run through a parser, paths resolved and checked on disk. Every
// problem lands in the ProblemCollector with its position; walking never stops at the first one.
// Only non-throwing yaml-cpp calls are used here.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "agent/app/config/config_problem.hpp"
#include "agent/ports/result.hpp"

namespace margo {

struct Position {
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;
};

Position position_of(const YAML::Mark& mark);

// A value in the document with its dotted path.
struct Field {
  YAML::Node node;
  std::string path;
  Position value_position;  // the key's position when the value is null (yaml-cpp marks it oddly)
  Position key_position;    // for a list item or the document: the value's position
};

class ProblemCollector {
 public:
  explicit ProblemCollector(std::string file) : file_(std::move(file)) {}

  void problem(Position at, std::string key, std::string reason);
  void warning(Position at, std::string key, std::string reason);
  void problem(const Field& field, std::string reason) {
    problem(field.value_position, field.path, std::move(reason));
  }
  void warning(const Field& field, std::string reason) {
    warning(field.value_position, field.path, std::move(reason));
  }
  // Reports the status's message as a problem at the field; returns whether it was ok.
  bool check(const Field& field, const Status& status);

  bool has_problems() const { return !problems_.empty(); }
  // Both lists ordered by position.
  std::vector<ConfigProblem> take_problems();
  std::vector<ConfigProblem> take_warnings();

 private:
  std::string file_;
  std::vector<ConfigProblem> problems_;
  std::vector<ConfigProblem> warnings_;
};

// The entries of a YAML map, first occurrence of each key only.
class MapFields {
 public:
  explicit MapFields(Field self) : self_(std::move(self)) {}

  // The entry, when present, even when null.
  std::optional<Field> entry(std::string_view key) const;
  // The entry, when present and not null.
  std::optional<Field> find(std::string_view key) const;
  const Field& self() const { return self_; }
  // The dotted path of a key of this map.
  std::string path_of(std::string_view key) const;
  void add(std::string key, Field field) { entries_.emplace_back(std::move(key), std::move(field)); }

 private:
  Field self_;
  std::vector<std::pair<std::string, Field>> entries_;
};

class ConfigWalker {
 public:
  ConfigWalker(ProblemCollector& sink, std::string base_directory)
      : sink_(sink), base_directory_(std::move(base_directory)) {}

  ProblemCollector& sink() { return sink_; }

  // A map (null counts as empty) after reporting keys outside `known_keys` and repeated keys;
  // nullopt, reported, for anything else.
  std::optional<MapFields> map(const Field& field, const std::vector<std::string_view>& known_keys);
  // The map under `key` of `parent`, checked as map() does; an empty map placed at the parent's key
  // when absent, so that its required keys are reported with their full path.
  std::optional<MapFields> child_map(const MapFields& parent, std::string_view key,
                                     const std::vector<std::string_view>& known_keys);
  // A list (null counts as empty); nullopt, reported, for anything else.
  std::optional<std::vector<Field>> sequence(const Field& field);

  // The entry, or a problem (`reason`) at the map's key when it is absent or null.
  std::optional<Field> required(const MapFields& map, std::string_view key,
                                std::string_view reason = "is required");

  // A scalar's text; a problem for lists and maps.
  std::optional<std::string> text(const Field& field);
  // Like text(), and empty text is a problem.
  std::optional<std::string> non_empty_text(const Field& field);
  // The text run through a parser; the parser's message becomes the problem's reason.
  template <typename T, typename Parser>
  std::optional<T> parsed(const Field& field, Parser parser) {
    const auto value = text(field);
    if (!value) return std::nullopt;
    Result<T> result = parser(*value);
    if (!result) {
      sink_.problem(field, result.error().message);
      return std::nullopt;
    }
    return std::move(result).value();
  }
  // A non-empty path made absolute against the base directory.
  std::optional<std::string> path(const Field& field);
  // Like path(), and the file must exist and be readable.
  std::optional<std::string> existing_file(const Field& field);

 private:
  ProblemCollector& sink_;
  std::string base_directory_;
};

}  // namespace margo
