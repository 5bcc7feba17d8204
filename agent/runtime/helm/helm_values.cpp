#include "agent/runtime/helm/helm_values.hpp"

#include <map>

namespace margo {
namespace {

Error invalid(std::string_view pointer, const std::string& why) {
  return permanent_error("component.invalid_parameter",
                         "parameter pointer \"" + std::string(pointer) + "\": " + why);
}

std::string shown(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// What a path prefix has become: a map or a list (because a longer pointer went through it) or a
// value (because a pointer ended there), and which pointer made it so, for the error message.
struct Claim {
  enum Kind { map, list, leaf } kind;
  std::string pointer;
  nlohmann::json value;  // when kind == leaf
};

const char* describe(Claim::Kind kind) {
  switch (kind) {
    case Claim::map:
      return "nested values";
    case Claim::list:
      return "a list";
    case Claim::leaf:
      return "a value";
  }
  return "?";
}

// An unambiguous key for a path prefix: steps tagged and NUL-separated.
void append_step(std::string& key, const ValuesPathStep& step) {
  key += step.is_index ? "i" + std::to_string(step.index) : "k" + step.key;
  key.push_back('\0');
}

}  // namespace

Result<std::vector<ValuesPathStep>> parse_values_path(std::string_view pointer) {
  if (pointer.empty()) return invalid(pointer, "is empty");
  std::vector<ValuesPathStep> steps;
  std::size_t pos = 0;
  // After a key or index: end, '.', or '['. At the start and after '.': a key.
  bool expect_key = true;
  while (pos < pointer.size()) {
    if (expect_key) {
      std::string key;
      while (pos < pointer.size() && pointer[pos] != '.' && pointer[pos] != '[') {
        if (pointer[pos] == ']')
          return invalid(pointer, "has a ']' without '[' (write \\] for a literal one)");
        if (pointer[pos] == '\\') {
          if (++pos == pointer.size()) return invalid(pointer, "ends with a lone backslash");
        }
        key.push_back(pointer[pos++]);
      }
      if (key.empty()) return invalid(pointer, "has an empty key (\"..\", or a '.' or '[' at the start)");
      steps.push_back({false, std::move(key), 0});
      expect_key = false;
      continue;
    }
    if (pointer[pos] == '.') {
      ++pos;
      if (pos == pointer.size()) return invalid(pointer, "ends with '.'");
      expect_key = true;
      continue;
    }
    // pointer[pos] == '[': an index
    const std::size_t close = pointer.find(']', pos);
    if (close == std::string_view::npos) return invalid(pointer, "has a '[' without ']'");
    const std::string_view digits = pointer.substr(pos + 1, close - pos - 1);
    if (digits.empty() || digits.size() > 4 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos)
      return invalid(pointer, "has a list index \"" + std::string(digits) +
                                  "\" that is not a number from 0 to " + std::to_string(kMaxValuesListIndex));
    const std::size_t index = std::stoul(std::string(digits));
    if (index > kMaxValuesListIndex)
      return invalid(pointer, "list index " + std::to_string(index) + " is larger than " +
                                  std::to_string(kMaxValuesListIndex));
    steps.push_back({true, {}, index});
    pos = close + 1;
    if (pos < pointer.size() && pointer[pos] != '.' && pointer[pos] != '[')
      return invalid(pointer, "has text right after ']' (expected '.', '[' or the end)");
  }
  return steps;
}

Result<nlohmann::json> build_helm_values(const std::vector<ParameterValue>& parameters) {
  nlohmann::json values = nlohmann::json::object();
  std::map<std::string, Claim> claims;
  for (const ParameterValue& parameter : parameters) {
    auto steps = parse_values_path(parameter.pointer);
    if (!steps) return steps.error();

    // First check every prefix against what earlier pointers made of it, then write.
    std::string key;
    for (std::size_t i = 0; i + 1 < steps->size(); ++i) {
      append_step(key, (*steps)[i]);
      const Claim::Kind wanted = (*steps)[i + 1].is_index ? Claim::list : Claim::map;
      const auto found = claims.find(key);
      if (found == claims.end()) {
        claims.emplace(key, Claim{wanted, parameter.pointer, {}});
      } else if (found->second.kind != wanted) {
        return invalid(parameter.pointer, "needs " + std::string(describe(wanted)) + " where pointer \"" +
                                              found->second.pointer + "\" puts " +
                                              describe(found->second.kind));
      }
    }
    append_step(key, steps->back());
    if (const auto found = claims.find(key); found != claims.end()) {
      if (found->second.kind != Claim::leaf)
        return invalid(parameter.pointer, "sets a value where pointer \"" + found->second.pointer +
                                              "\" puts " + describe(found->second.kind));
      if (found->second.value != parameter.value)
        return invalid(parameter.pointer, "is set twice, to " + shown(found->second.value) + " and to " +
                                              shown(parameter.value));
      continue;  // the same value again: harmless
    }
    claims.emplace(key, Claim{Claim::leaf, parameter.pointer, parameter.value});

    nlohmann::json* node = &values;
    for (const ValuesPathStep& step : *steps) {
      if (step.is_index) {
        if (!node->is_array()) *node = nlohmann::json::array();
        while (node->size() <= step.index) node->push_back(nullptr);
        node = &(*node)[step.index];
      } else {
        if (!node->is_object()) *node = nlohmann::json::object();
        node = &(*node)[step.key];
      }
    }
    *node = parameter.value;
  }
  return values;
}

Result<std::string> values_file_text(const nlohmann::json& values) {
  try {
    return values.dump(2) + "\n";
  } catch (const nlohmann::json::exception&) {
    return permanent_error("component.invalid_parameter", "a parameter value is not valid UTF-8");
  }
}

}  // namespace margo
