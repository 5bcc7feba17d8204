#include "agent/runtime/component_options.hpp"

#include <cctype>
#include <cstdint>

namespace margo {
namespace {

Error invalid(const std::string& property, const std::string& why) {
  return permanent_error("component.invalid_property", "property " + property + ": " + why);
}

constexpr Duration kMaxTimeout = std::chrono::hours(24);

}  // namespace

Result<Duration> parse_go_duration(const std::string& text) {
  struct Unit {
    std::string_view name;
    std::int64_t ms;
  };
  static constexpr Unit kUnits[] = {{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}};
  if (text.empty()) return invalid("timeout", "empty duration");
  std::int64_t total = 0;
  std::size_t pos = 0;
  std::size_t next_unit = 0;  // units must come largest first, each at most once
  while (pos < text.size()) {
    std::int64_t number = 0;
    const std::size_t digits_start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      number = number * 10 + (text[pos] - '0');
      if (number > 1'000'000'000) return invalid("timeout", "\"" + text + "\" is too large");
      ++pos;
    }
    if (pos == digits_start) return invalid("timeout", "\"" + text + "\" is not a duration like 8m30s");
    std::size_t unit_end = pos;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) ++unit_end;
    const std::string_view unit(text.data() + pos, unit_end - pos);
    std::size_t index = next_unit;
    while (index < std::size(kUnits) && kUnits[index].name != unit) ++index;
    if (index == std::size(kUnits)) {
      return invalid("timeout",
                     "\"" + text + "\" is not a duration like 8m30s (units h, m, s, ms, largest first)");
    }
    total += number * kUnits[index].ms;
    if (total > kMaxTimeout.count()) return invalid("timeout", "\"" + text + "\" is longer than 24h");
    next_unit = index + 1;
    pos = unit_end;
  }
  return Duration(total);
}

Result<ComponentOptions> read_component_options(const nlohmann::json& properties, ComponentOptions defaults) {
  ComponentOptions options = defaults;
  if (!properties.is_object()) return options;
  if (const auto wait = properties.find("wait"); wait != properties.end() && !wait->is_null()) {
    if (wait->is_boolean()) {
      options.wait = wait->get<bool>();
    } else if (wait->is_string() && (*wait == "true" || *wait == "false")) {
      options.wait = *wait == "true";
    } else {
      return invalid("wait", "expected true or false, got " + wait->dump());
    }
  }
  if (const auto timeout = properties.find("timeout"); timeout != properties.end() && !timeout->is_null()) {
    if (!timeout->is_string())
      return invalid("timeout", "expected a duration like \"8m30s\", got " + timeout->dump());
    auto parsed = parse_go_duration(timeout->get<std::string>());
    if (!parsed) return parsed.error();
    if (parsed->count() == 0) return invalid("timeout", "must be longer than 0s");
    options.timeout = *parsed;
  }
  return options;
}

}  // namespace margo
