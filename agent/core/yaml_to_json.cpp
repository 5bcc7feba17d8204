#include "agent/core/yaml_to_json.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>

namespace margo {
namespace {

struct LimitPassed {
  std::string what;
};

bool is_plain_null(const std::string& text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

nlohmann::json plain_scalar(const std::string& text) {
  if (is_plain_null(text)) return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
  const char* end = text.data() + text.size();
  long long integer = 0;
  if (auto [at, error] = std::from_chars(begin, end, integer); error == std::errc() && at == end)
    return integer;
  double number = 0;
  if (auto [at, error] = std::from_chars(begin, end, number);
      error == std::errc() && at == end && std::isfinite(number))
    return number;
  return text;
}

class Converter {
 public:
  explicit Converter(const YamlLimits& limits) : limits_(limits) {}

  nlohmann::json convert(const YAML::Node& node, std::size_t depth) {
    if (++visited_ > limits_.max_nodes)
      throw LimitPassed{"more than " + std::to_string(limits_.max_nodes) + " nodes (alias expansion?)"};
    if (depth > limits_.max_depth)
      throw LimitPassed{"nested deeper than " + std::to_string(limits_.max_depth)};
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar:
        // "!" marks a quoted (non-plain) scalar: always a string.
        return node.Tag() == "!" ? nlohmann::json(node.Scalar()) : plain_scalar(node.Scalar());
      case YAML::NodeType::Sequence: {
        nlohmann::json array = nlohmann::json::array();
        for (const auto& item : node) array.push_back(convert(item, depth + 1));
        return array;
      }
      case YAML::NodeType::Map: {
        nlohmann::json object = nlohmann::json::object();
        for (const auto& entry : node) {
          if (!entry.first.IsScalar()) throw LimitPassed{"a mapping key is not a scalar"};
          object[entry.first.Scalar()] = convert(entry.second, depth + 1);
        }
        return object;
      }
    }
    return nullptr;
  }

 private:
  const YamlLimits& limits_;
  std::size_t visited_ = 0;
};

}  // namespace

Result<nlohmann::json> parse_yaml_as_json(std::string_view yaml, const YamlLimits& limits) {
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    return Converter(limits).convert(root, 0);
  } catch (const LimitPassed& passed) {
    return permanent_error("yaml.invalid", "YAML refused: " + passed.what);
  } catch (const YAML::Exception& error) {
    return permanent_error("yaml.invalid", "YAML syntax error at line " +
                                               std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
}

}  // namespace margo
