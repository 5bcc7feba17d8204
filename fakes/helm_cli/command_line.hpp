#pragma once
// fake-helm's command line, parsed the way helm's cobra/pflag does it: flags and arguments in any
// order, `--flag value`, `--flag=value`, `-n value`, `-nvalue`, grouped boolean shorthands (`-aA`),
// `--` ending the flags. Unknown flags and commands fail with cobra's own messages.

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace margo::fake {

struct HelmCommandLine {
  std::string command;                                    // "upgrade", "get values", "x-fake set-status", ...
  std::vector<std::string> args;                          // positional arguments
  std::map<std::string, std::vector<std::string>> flags;  // by long name, every occurrence

  bool has(const std::string& name) const { return flags.count(name) > 0; }
  // The last value given, or the fallback.
  std::string value(const std::string& name, const std::string& fallback = "") const;
  // Every value given, in order (--values also splits on commas, as pflag's string slices do).
  std::vector<std::string> values(const std::string& name) const;
  bool enabled(const std::string& name) const { return value(name, "false") == "true"; }
};

// The error text is what helm prints after "Error: ".
std::variant<HelmCommandLine, std::string> parse_helm_command_line(const std::vector<std::string>& args);

// Go's time.ParseDuration ("5m0s", "1.5s", "300ms"), in milliseconds; nullopt when malformed.
std::optional<long long> parse_go_duration_ms(const std::string& text);

}  // namespace margo::fake
