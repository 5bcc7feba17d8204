#include "agent/app/config/data_directory.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace margo {
namespace {

std::string variable(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

bool absolute(const std::string& path) {
  return !path.empty() && path.front() == '/';
}

}  // namespace

DataDirectoryEnvironment current_data_directory_environment() {
  DataDirectoryEnvironment environment;
  environment.root = ::geteuid() == 0;
  environment.state_directory = variable("STATE_DIRECTORY");
  environment.xdg_state_home = variable("XDG_STATE_HOME");
  environment.home = variable("HOME");
  std::error_code error;
  const auto working = std::filesystem::current_path(error);
  environment.working_directory = error ? std::string("/") : working.string();
  return environment;
}

std::string default_data_directory(const DataDirectoryEnvironment& environment) {
  // systemd joins several StateDirectory= entries with ':'; the first is the unit's own.
  const std::string systemd = environment.state_directory.substr(0, environment.state_directory.find(':'));
  if (absolute(systemd)) return systemd;
  if (environment.root) return "/var/lib/margo-agent";
  if (absolute(environment.xdg_state_home)) return environment.xdg_state_home + "/margo-agent";
  if (absolute(environment.home)) return environment.home + "/.local/state/margo-agent";
  const std::string& working = environment.working_directory;
  return working == "/" ? "/data" : working + "/data";
}

}  // namespace margo
