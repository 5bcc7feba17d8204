#pragma once
// margo-agent's command line.
//   margo-agent [run] --config FILE        run the agent (also: -config FILE, the old client's spelling)
//   margo-agent validate --config FILE     print every problem in the config and exit non-zero if any
//   margo-agent state --config FILE        print the persisted state as JSON
//   margo-agent reset-version --config FILE  forget the accepted manifestVersion and ETag (after the
//                                            WFM's database was reset; the agent must be stopped)
//   margo-agent retry DEPLOYMENT_ID --config FILE  unblock a deployment that failed for good (the agent
//                                                  must be stopped)
//   margo-agent --help | --version
// Without --config: ./config/config.yaml when it exists (as the Go client's ./agent reads it), else
// /etc/margo-agent/config.yaml.

#include <functional>
#include <string>
#include <vector>

namespace margo {

struct CommandLine {
  std::string command = "run";
  std::string config_path;    // empty when --config was not given
  std::string deployment_id;  // retry's operand
  bool help = false;
  bool version = false;
  std::vector<std::string> errors;
};

CommandLine parse_command_line(const std::vector<std::string>& arguments);
// The config file read when none is given; `exists` says whether a path names a file.
std::string default_config_path(const std::function<bool(const std::string&)>& exists);
std::string usage_text();

// Runs the command; returns the process exit code.
int run_command_line(const std::vector<std::string>& arguments);

}  // namespace margo
