#pragma once
// Where the agent keeps its state when config.yaml names no database.dataDir (the Go client's file has
// no database section). The rule a packager expects, first match wins:
//   1. $STATE_DIRECTORY, set by systemd for a unit with StateDirectory= (its first entry);
//   2. /var/lib/margo-agent when running as root (the FHS place for a daemon's state);
//   3. $XDG_STATE_HOME/margo-agent, else $HOME/.local/state/margo-agent (the XDG base directories);
//   4. ./data under the working directory (where the Go client kept its state), when there is no HOME.
// Only absolute values of the variables count.

#include <string>

namespace margo {

struct DataDirectoryEnvironment {
  bool root = false;
  std::string state_directory;  // $STATE_DIRECTORY
  std::string xdg_state_home;   // $XDG_STATE_HOME
  std::string home;             // $HOME
  std::string working_directory;
};

DataDirectoryEnvironment current_data_directory_environment();
std::string default_data_directory(const DataDirectoryEnvironment& environment);

}  // namespace margo
