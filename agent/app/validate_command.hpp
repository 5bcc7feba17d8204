#pragma once
// `margo-agent validate --config FILE`: every problem in the config file and in the files it names
// (keys, certificates, CA, capabilities), one per line, then a verdict. Exit 0 when usable, 2 if not.

#include <ostream>
#include <string>
#include <vector>

#include "agent/app/config/agent_config.hpp"
#include "agent/app/config/config_problem.hpp"
#include "agent/ports/filesystem.hpp"

namespace margo {

// The checks that need the crypto code: the device key and certificate load and belong together,
// the signature algorithm fits the key, the CA file holds a certificate.
std::vector<ConfigProblem> check_credentials(const AgentConfig& config, FileSystem& fs);

int validate_command(const std::string& config_path, std::ostream& out);

}  // namespace margo
