#pragma once
// Loads config.yaml: every problem in one pass, each with its position; warnings kept apart.
// Relative paths in the file are relative to the working directory (as in the Go client this agent
// replaces) and come out absolute. Files the config names are checked on disk. Without database.dataDir
// the data directory is the default of data_directory.hpp for this process's environment.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/app/config/agent_config.hpp"
#include "agent/app/config/config_problem.hpp"

namespace margo {

struct ConfigLoad {
  std::optional<AgentConfig> config;  // set only when there are no problems
  std::vector<ConfigProblem> problems;
  std::vector<ConfigProblem> warnings;
};

ConfigLoad load_config_file(const std::string& path);

// Text that did not come from a file on disk: the check that the file is private (for an inline
// clientSecret) does not apply. `file_name` is used in problem messages.
ConfigLoad parse_config(std::string_view yaml, const std::string& file_name);

struct ConfigParseOptions {
  std::string file_name;       // for messages
  std::string base_directory;  // relative paths are resolved against it; must be absolute
  // The config file can be read by group or others: an inline clientSecret is then refused.
  bool readable_by_others = false;
  // Used when the file names no database.dataDir; must be absolute.
  std::string default_data_dir;
};

// What load_config_file and parse_config use, with the working directory made explicit.
ConfigLoad parse_config_with(std::string_view yaml, const ConfigParseOptions& options);

}  // namespace margo
