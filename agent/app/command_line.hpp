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

#include <string>
#include <vector>

namespace margo {

struct CommandLine {
  std::string command = "run";
  std::string config_path;
  std::string deployment_id;  // retry's operand
  bool help = false;
  bool version = false;
  std::vector<std::string> errors;
};

CommandLine parse_command_line(const std::vector<std::string>& arguments);
std::string usage_text();

// Runs the command; returns the process exit code.
int run_command_line(const std::vector<std::string>& arguments);

}  // namespace margo
