#include "fakes/helm_cli/values_input.hpp"

#include <fstream>
#include <sstream>

namespace margo::fake {
namespace {

constexpr std::size_t kMaxIndex = 65536;  // strvals' own limit

nlohmann::json typed(const std::string& text, bool as_string) {
  if (as_string) return text;
  if (text == "true") return true;
  if (text == "false") return false;
  if (text == "null") return nullptr;
  const bool negative = !text.empty() && text[0] == '-';
  const std::string digits = negative ? text.substr(1) : text;
  if (!digits.empty() && digits.size() <= 18 && digits.find_first_not_of("0123456789") == std::string::npos &&
      !(digits.size() > 1 && digits[0] == '0'))
    return std::stoll(text);
  return text;
}

struct Step {
  bool is_index;
  std::string key;
  std::size_t index;
};

}  // namespace

void merge_values(nlohmann::json& base, const nlohmann::json& overlay) {
  for (auto it = overlay.begin(); it != overlay.end(); ++it) {
    auto existing = base.find(it.key());
    if (existing != base.end() && existing->is_object() && it->is_object()) {
      merge_values(*existing, *it);
    } else {
      base[it.key()] = *it;
    }
  }
}

std::string apply_set(nlohmann::json& values, const std::string& expression, bool as_strings) {
  std::size_t pos = 0;
  while (pos < expression.size()) {
    // key path up to an unescaped '='
    std::vector<Step> steps;
    std::string key;
    bool in_key = true;
    for (; pos < expression.size(); ++pos) {
      const char c = expression[pos];
      if (c == '\\' && pos + 1 < expression.size()) {
        key.push_back(expression[++pos]);
      } else if (c == '.' || c == '=' || c == ',' || c == '[') {
        if (!key.empty()) steps.push_back({false, key, 0});
        key.clear();
        if (c == '[') {
          const std::size_t close = expression.find(']', pos);
          if (close == std::string::npos)
            return "failed parsing --set data: key \"" + expression + "\" has no closing ]";
          const std::string digits = expression.substr(pos + 1, close - pos - 1);
          if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
            return "failed parsing --set data: failed to parse index: strconv.Atoi: parsing \"" + digits +
                   "\": invalid syntax";
          const std::size_t index = std::stoul(digits);
          if (index > kMaxIndex)
            return "failed parsing --set data: index of " + digits +
                   " is greater than maximum supported index of 65536";
          steps.push_back({true, {}, index});
          pos = close;
          continue;
        }
        if (c == '=') {
          in_key = false;
          ++pos;
          break;
        }
        if (c == ',')
          return "failed parsing --set data: key \"" + expression.substr(0, pos) + "\" has no value";
      } else {
        key.push_back(c);
      }
    }
    if (in_key) {
      if (!key.empty()) steps.push_back({false, key, 0});
      return "failed parsing --set data: key \"" + (steps.empty() ? expression : steps.back().key) +
             "\" has no value";
    }
    if (steps.empty() || steps.front().is_index) return "failed parsing --set data: key \"\" has no value";
    std::string value;
    for (; pos < expression.size() && expression[pos] != ','; ++pos) {
      if (expression[pos] == '\\' && pos + 1 < expression.size()) ++pos;
      value.push_back(expression[pos]);
    }
    if (pos < expression.size()) ++pos;  // the ','
    nlohmann::json* node = &values;
    for (const Step& step : steps) {
      if (step.is_index) {
        if (!node->is_array()) *node = nlohmann::json::array();
        while (node->size() <= step.index) node->push_back(nullptr);
        node = &(*node)[step.index];
      } else {
        if (!node->is_object()) *node = nlohmann::json::object();
        node = &(*node)[step.key];
      }
    }
    *node = typed(value, as_strings);
  }
  return "";
}

std::variant<nlohmann::json, std::string> read_user_values(const HelmCommandLine& line) {
  nlohmann::json values = nlohmann::json::object();
  for (const std::string& file : line.values("values")) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return "open " + file + ": no such file or directory";
    std::ostringstream text;
    text << in.rdbuf();
    const std::string content = text.str();
    if (content.find_first_not_of(" \t\r\n") == std::string::npos) continue;  // an empty file is {}
    const auto parsed = nlohmann::json::parse(content, nullptr, false);
    if (parsed.is_discarded())
      return "failed to parse " + file +
             ": error converting YAML to JSON: fake-helm reads values files as JSON only";
    if (parsed.is_null()) continue;
    if (!parsed.is_object())
      return "failed to parse " + file +
             ": error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
             std::string(parsed.is_array() ? "array" : "value") +
             " into Go value of type map[string]interface {}";
    merge_values(values, parsed);
  }
  for (const std::string& expression : line.values("set"))
    if (auto error = apply_set(values, expression, false); !error.empty()) return error;
  for (const std::string& expression : line.values("set-string"))
    if (auto error = apply_set(values, expression, true); !error.empty()) return error;
  return values;
}

}  // namespace margo::fake
