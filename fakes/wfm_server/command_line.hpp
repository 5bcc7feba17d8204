#pragma once
// margo-wfm's command line.

#include <string>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo::wfm_server {

struct ServeOptions {
  std::string host;
  int port = 0;
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  std::string base_path;
  std::string root_ca_file;
  std::string report_file;
  std::string deployments_dir;
};

struct CommandLine {
  bool help = false;
  ServeOptions serve;
};

// Errors: cli.usage, with what is wrong.
Result<CommandLine> parse_command_line(const std::vector<std::string>& arguments);

std::string usage_text();

}  // namespace margo::wfm_server
