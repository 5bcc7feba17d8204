#include "agent/app/command_line.hpp"

#include <sys/stat.h>

#include <iostream>

#include "agent/app/agent_service.hpp"
#include "agent/app/config/config_loader.hpp"
#include "agent/app/state_commands.hpp"
#include "agent/app/validate_command.hpp"

namespace margo {
namespace {

constexpr const char* kWorkingDirectoryConfig = "config/config.yaml";
constexpr const char* kSystemConfig = "/etc/margo-agent/config.yaml";

bool is_file(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 && S_ISREG(status.st_mode);
}

bool is_command(const std::string& word) {
  return word == "run" || word == "validate" || word == "state" || word == "reset-version" || word == "retry";
}

}  // namespace

std::string usage_text() {
  return "usage: margo-agent [COMMAND [ID]] [--config FILE]\n"
         "\n"
         "The Margo device agent: onboards with the Workload Fleet Manager, reports capabilities,\n"
         "polls the desired state and keeps the workloads in line with it.\n"
         "\n"
         "commands:\n"
         "  run             run the agent until SIGTERM/SIGINT (the default)\n"
         "  validate        check the config file and the files it names; print every problem\n"
         "  state           print the persisted agent state as JSON\n"
         "  reset-version   forget the accepted manifestVersion and ETag, so the next manifest is\n"
         "                  accepted whatever its version (after the WFM's database was reset);\n"
         "                  the agent must be stopped\n"
         "  retry ID        try deployment ID again: it failed for a reason that retrying could not\n"
         "                  fix (it is blocked until the WFM sends a new revision); the agent must\n"
         "                  be stopped\n"
         "\n"
         "options:\n"
         "  --config FILE   the config file (also -config FILE, --config=FILE); default ./" +
         std::string(kWorkingDirectoryConfig) + " when it exists, else " + kSystemConfig +
         "\n"
         "  --help          this text\n"
         "  --version       the version\n"
         "\n"
         "exit codes: 0 ok, 2 bad command line or config, 3 the agent stopped itself (see the log)\n";
}

CommandLine parse_command_line(const std::vector<std::string>& arguments) {
  CommandLine line;
  bool command_seen = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& word = arguments[i];
    if (word == "--help" || word == "-h" || word == "-help") {
      line.help = true;
    } else if (word == "--version" || word == "-version") {
      line.version = true;
    } else if (word == "--config" || word == "-config" || word == "-c") {
      if (i + 1 == arguments.size()) {
        line.errors.push_back(word + " needs a file");
      } else {
        line.config_path = arguments[++i];
        if (line.config_path.empty()) line.errors.push_back(word + " needs a file");
      }
    } else if (word.rfind("--config=", 0) == 0 || word.rfind("-config=", 0) == 0) {
      line.config_path = word.substr(word.find('=') + 1);
      if (line.config_path.empty()) line.errors.push_back(word + " needs a file");
    } else if (!command_seen && is_command(word)) {
      line.command = word;
      command_seen = true;
    } else if (line.command == "retry" && line.deployment_id.empty() && !word.starts_with("-")) {
      line.deployment_id = word;
    } else {
      line.errors.push_back("unexpected argument '" + word + "'");
    }
  }
  if (line.command == "retry" && line.deployment_id.empty())
    line.errors.push_back("retry needs a deployment id");
  return line;
}

std::string default_config_path(const std::function<bool(const std::string&)>& exists) {
  return exists(kWorkingDirectoryConfig) ? kWorkingDirectoryConfig : kSystemConfig;
}

int run_command_line(const std::vector<std::string>& arguments) {
  CommandLine line = parse_command_line(arguments);
  if (line.config_path.empty()) line.config_path = default_config_path(is_file);
  if (line.help) {
    std::cout << usage_text();
    return kExitOk;
  }
  if (line.version) {
    std::cout << "margo-agent " << MARGO_VERSION << "\n";
    return kExitOk;
  }
  if (!line.errors.empty()) {
    for (const auto& error : line.errors) std::cerr << "margo-agent: " << error << "\n";
    std::cerr << usage_text();
    return kExitUsage;
  }
  if (line.command == "validate") return validate_command(line.config_path, std::cout);

  const ConfigLoad loaded = load_config_file(line.config_path);
  if (!loaded.config) {
    for (const auto& problem : loaded.problems) std::cerr << problem.to_string() << "\n";
    std::cerr << "margo-agent: " << loaded.problems.size() << " problem(s) in " << line.config_path
              << "; nothing started\n";
    return kExitUsage;
  }
  for (const auto& warning : loaded.warnings) std::cerr << "warning: " << warning.to_string() << "\n";
  if (line.command == "state") return print_state_command(*loaded.config, std::cout, std::cerr);
  if (line.command == "reset-version") return reset_version_command(*loaded.config, std::cout, std::cerr);
  if (line.command == "retry") return retry_command(*loaded.config, line.deployment_id, std::cout, std::cerr);
  return run_agent_service(*loaded.config);
}

}  // namespace margo
