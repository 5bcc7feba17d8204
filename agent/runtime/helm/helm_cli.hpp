#pragma once
// Runs the helm CLI through the ProcessRunner: the configured program, an exact environment, a time
// limit, a cap on the output kept. A helm that cannot be started is runtime.unavailable; a helm that
// ran is a ProcessResult, whatever its exit code (the caller knows what the exit means for its command).

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "agent/ports/process_runner.hpp"
#include "agent/runtime/helm/helm_settings.hpp"

namespace margo {

// The time limit of commands that only read (status, version): long enough for a slow API server.
inline constexpr Duration kHelmQueryTimeout = std::chrono::minutes(2);

// Output kept per stream; more is an error (helm.invalid_output) when helm succeeded.
inline constexpr std::size_t kHelmOutputLimit = 16 * 1024 * 1024;

class HelmCli {
 public:
  HelmCli(ProcessRunner& processes, const HelmSettings& settings);

  const HelmSettings& settings() const { return settings_; }
  // The child's environment: settings.environment plus helm's cache/config/data homes under the work
  // directory when the settings do not place them.
  const std::map<std::string, std::string>& environment() const { return environment_; }

  void run(std::vector<std::string> args, Duration timeout, Callback<ProcessResult> done);

 private:
  ProcessRunner& processes_;
  const HelmSettings settings_;
  std::map<std::string, std::string> environment_;
};

}  // namespace margo
