#pragma once
// The docker and compose command-line tools and the engine behind them, as the runtime uses them:
// which compose CLI this machine has (detected at first use, and again after the engine or a tool
// was found missing), and running one command with the runtime's exact environment.
//
// Detection: `docker version` must reach the engine; then `docker compose version --short` (v2
// plugin), else `docker-compose version --short` (v1). Anything missing gives runtime.unavailable
// (retryable): the agent starts and polls while the engine is not up yet, and the reconciler retries
// with backoff.

#include <optional>
#include <string>
#include <vector>

#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/process_runner.hpp"
#include "agent/runtime/compose/compose_cli.hpp"
#include "agent/runtime/compose/engine_connection.hpp"
#include "agent/runtime/compose/project_environment.hpp"

namespace margo {

struct EngineSettings {
  std::string docker_host;
  std::string docker_path = "docker";
  std::string docker_compose_path = "docker-compose";
  ChildEnvironment environment;  // the base environment every command gets unless told otherwise
  // Placed right after the program in every command: how to reach a TLS engine (engine_options).
  std::vector<std::string> global_options;
};

struct CommandRequest {
  std::vector<std::string> argv;
  std::optional<ChildEnvironment> environment;  // default: the base environment
  std::string working_directory;
  Duration timeout = std::chrono::minutes(1);
};

class ComposeEngine {
 public:
  ComposeEngine(Executor& executor, ProcessRunner& processes, EngineSettings settings, Logger logger);

  // The detected CLI, or runtime.unavailable saying what is missing. Completes through the executor.
  void ensure_cli(Callback<ComposeCli> done);

  // Runs a command. A tool that is not installed, or output saying the engine cannot be reached, gives
  // runtime.unavailable (and the next ensure_cli detects again); any other exit is returned as it is
  // for the caller to judge.
  void run(CommandRequest request, Callback<ProcessResult> done);

  const std::string& docker_path() const { return settings_.docker_path; }

 private:
  void detect();
  void detect_plugin(std::string engine_version);
  void detect_standalone(std::string engine_version);
  void detected(Result<ComposeCli> cli, const std::string& engine_version);
  Error unavailable(const std::string& why) const;

  Executor& executor_;
  ProcessRunner& processes_;
  EngineSettings settings_;
  Logger logger_;
  std::optional<ComposeCli> cli_;
  bool detecting_ = false;
  std::vector<Callback<ComposeCli>> waiting_;
  Lifetime lifetime_;  // last: callbacks handed out stop working first
};

}  // namespace margo
