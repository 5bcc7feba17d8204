#include "fakes/helm_cli/command_line.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace margo::fake {
namespace {

struct FlagSpec {
  const char* name;
  char shorthand;  // 0: none
  bool boolean;
};

// Flags every command takes (helm's persistent flags that fake-helm understands).
const std::vector<FlagSpec> kGlobalFlags = {
    {"kubeconfig", 0, false}, {"namespace", 'n', false}, {"kube-context", 0, false}, {"debug", 0, true}};

const std::vector<FlagSpec> kInstallFlags = {
    {"create-namespace", 0, true}, {"values", 'f', false}, {"set", 0, false}, {"set-string", 0, false},
    {"version", 0, false},         {"repo", 0, false},     {"wait", 0, true}, {"timeout", 0, false},
    {"output", 'o', false}};

struct CommandSpec {
  std::string name;
  std::vector<std::string> aliases;
  std::vector<FlagSpec> flags;
};

std::vector<CommandSpec> commands() {
  std::vector<FlagSpec> upgrade = kInstallFlags;
  upgrade.push_back({"install", 'i', true});
  return {
      {"version", {}, {{"short", 0, true}}},
      {"install", {"i"}, kInstallFlags},
      {"upgrade", {}, upgrade},
      {"status", {}, {{"output", 'o', false}, {"revision", 0, false}}},
      {"uninstall",
       {"un", "delete", "del"},
       {{"keep-history", 0, true}, {"wait", 0, true}, {"timeout", 0, false}}},
      {"rollback", {}, {{"wait", 0, true}, {"timeout", 0, false}}},
      {"list", {"ls"}, {{"all", 'a', true}, {"all-namespaces", 'A', true}, {"output", 'o', false}}},
      {"get values", {}, {{"all", 'a', true}, {"output", 'o', false}, {"revision", 0, false}}},
      {"x-fake set-status", {}, {{"description", 0, false}}},
      {"x-fake delete", {}, {}},
  };
}

const FlagSpec* find_long(const CommandSpec& command, const std::string& name) {
  for (const auto* list : {&command.flags, &kGlobalFlags})
    for (const auto& flag : *list)
      if (name == flag.name) return &flag;
  return nullptr;
}

const FlagSpec* find_short(const CommandSpec& command, char shorthand) {
  for (const auto* list : {&command.flags, &kGlobalFlags})
    for (const auto& flag : *list)
      if (flag.shorthand == shorthand) return &flag;
  return nullptr;
}

std::optional<std::string> parse_bool(const std::string& text) {
  if (text == "true" || text == "1" || text == "t" || text == "T" || text == "TRUE" || text == "True")
    return "true";
  if (text == "false" || text == "0" || text == "f" || text == "F" || text == "FALSE" || text == "False")
    return "false";
  return std::nullopt;
}

std::string bool_error(const std::string& shown, const std::string& value) {
  return "invalid argument \"" + value + "\" for \"" + shown + "\" flag: strconv.ParseBool: parsing \"" +
         value + "\": invalid syntax";
}

}  // namespace

std::string HelmCommandLine::value(const std::string& name, const std::string& fallback) const {
  const auto found = flags.find(name);
  return found == flags.end() || found->second.empty() ? fallback : found->second.back();
}

std::vector<std::string> HelmCommandLine::values(const std::string& name) const {
  std::vector<std::string> out;
  const auto found = flags.find(name);
  if (found == flags.end()) return out;
  for (const auto& given : found->second) {
    if (name != "values") {
      out.push_back(given);
      continue;
    }
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = given.find(',', start);
      out.push_back(given.substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

std::variant<HelmCommandLine, std::string> parse_helm_command_line(const std::vector<std::string>& args) {
  // The command is the first one or two non-flag words; global flags may come before it.
  std::vector<std::string> words;
  for (std::size_t i = 0; i < args.size() && words.size() < 2; ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') {
      words.push_back(arg);
      continue;
    }
    // A global flag before the command: skip its value too.
    for (const auto& flag : kGlobalFlags) {
      const bool long_form = arg == std::string("--") + flag.name;
      const bool short_form = flag.shorthand != 0 && arg.size() == 2 && arg[1] == flag.shorthand;
      if ((long_form || short_form) && !flag.boolean) ++i;
    }
  }
  if (words.empty()) return std::string("fake-helm needs a command (version, install, upgrade, ...)");
  const auto all = commands();
  const CommandSpec* command = nullptr;
  std::size_t command_words = 1;
  for (const auto& candidate : all) {
    const bool two_words = candidate.name.find(' ') != std::string::npos;
    if (two_words && words.size() == 2 && candidate.name == words[0] + " " + words[1]) {
      command = &candidate;
      command_words = 2;
    } else if (!two_words &&
               (candidate.name == words[0] || std::find(candidate.aliases.begin(), candidate.aliases.end(),
                                                        words[0]) != candidate.aliases.end())) {
      command = &candidate;
    }
    if (command) break;
  }
  if (!command) return "unknown command \"" + words[0] + "\" for \"helm\"\nRun 'helm --help' for usage.";

  HelmCommandLine line;
  line.command = command->name;
  std::size_t skipped_words = 0;
  bool flags_ended = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (flags_ended || arg.size() < 2 || arg[0] != '-') {
      if (skipped_words < command_words && !flags_ended) {
        ++skipped_words;  // the command's own words
      } else {
        line.args.push_back(arg);
      }
      continue;
    }
    if (arg == "--") {
      flags_ended = true;
      continue;
    }
    if (arg[1] == '-') {
      const std::size_t equals = arg.find('=');
      const std::string name = arg.substr(2, equals == std::string::npos ? equals : equals - 2);
      const FlagSpec* flag = find_long(*command, name);
      if (!flag) return "unknown flag: --" + name;
      std::string value;
      if (equals != std::string::npos) {
        value = arg.substr(equals + 1);
      } else if (flag->boolean) {
        value = "true";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return "flag needs an argument: --" + name;
      }
      if (flag->boolean) {
        const auto parsed = parse_bool(value);
        if (!parsed) return bool_error("--" + name, value);
        value = *parsed;
      }
      line.flags[flag->name].push_back(value);
      continue;
    }
    // Shorthands: each character a boolean flag, until one that takes a value.
    for (std::size_t c = 1; c < arg.size(); ++c) {
      const FlagSpec* flag = find_short(*command, arg[c]);
      if (!flag) return std::string("unknown shorthand flag: '") + arg[c] + "' in " + arg;
      if (flag->boolean) {
        if (c + 1 < arg.size() && arg[c + 1] == '=') {
          const auto parsed = parse_bool(arg.substr(c + 2));
          if (!parsed) return bool_error(std::string("-") + arg[c], arg.substr(c + 2));
          line.flags[flag->name].push_back(*parsed);
          break;
        }
        line.flags[flag->name].push_back("true");
        continue;
      }
      std::string value = arg.substr(c + 1);
      if (!value.empty() && value[0] == '=') value.erase(0, 1);
      if (c + 1 == arg.size()) {
        if (i + 1 >= args.size()) return std::string("flag needs an argument: '") + arg[c] + "' in " + arg;
        value = args[++i];
      }
      line.flags[flag->name].push_back(value);
      break;
    }
  }
  return line;
}

std::optional<long long> parse_go_duration_ms(const std::string& text) {
  if (text == "0") return 0;
  if (text.empty()) return std::nullopt;
  static const std::vector<std::pair<std::string, double>> kUnits = {
      {"ns", 1e-6}, {"us", 1e-3}, {"\xC2\xB5s", 1e-3}, {"ms", 1.0}, {"s", 1e3}, {"m", 6e4}, {"h", 3.6e6}};
  double total = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t number_start = pos;
    while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
      ++pos;
    if (pos == number_start) return std::nullopt;
    const std::string number = text.substr(number_start, pos - number_start);
    if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") return std::nullopt;
    std::size_t unit_end = pos;
    while (unit_end < text.size() && !std::isdigit(static_cast<unsigned char>(text[unit_end])) &&
           text[unit_end] != '.')
      ++unit_end;
    const std::string unit = text.substr(pos, unit_end - pos);
    const auto found =
        std::find_if(kUnits.begin(), kUnits.end(), [&](const auto& u) { return u.first == unit; });
    if (found == kUnits.end()) return std::nullopt;
    total += std::stod(number) * found->second;
    pos = unit_end;
  }
  return static_cast<long long>(std::llround(total));
}

}  // namespace margo::fake
