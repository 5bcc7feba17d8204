#include "agent/runtime/compose/compose_engine.hpp"

namespace margo {
namespace {

constexpr Duration kProbeTimeout = std::chrono::seconds(30);

std::string first_line(const std::string& text) {
  return trimmed_output(text.substr(0, text.find('\n')), 200);
}

}  // namespace

ComposeEngine::ComposeEngine(Executor& executor, ProcessRunner& processes, EngineSettings settings,
                             Logger logger)
    : executor_(executor),
      processes_(processes),
      settings_(std::move(settings)),
      logger_(std::move(logger)) {}

Error ComposeEngine::unavailable(const std::string& why) const {
  return retryable_error("runtime.unavailable",
                         "compose runtime unavailable (DOCKER_HOST " + settings_.docker_host + "): " + why);
}

void ComposeEngine::ensure_cli(Callback<ComposeCli> done) {
  if (cli_) {
    executor_.post([cli = *cli_, done = std::move(done)] { done(cli); });
    return;
  }
  waiting_.push_back(std::move(done));
  if (!detecting_) detect();
}

void ComposeEngine::detect() {
  detecting_ = true;
  CommandRequest probe{engine_version_argv(settings_.docker_path), std::nullopt, "", kProbeTimeout};
  run(std::move(probe), lifetime_.guard([this](Result<ProcessResult> result) {
    if (!result) return detected(result.error(), "");
    if (result->exit_code != 0) {
      return detected(
          unavailable("the Docker engine does not answer: " + trimmed_output(result->stderr_data, 500)), "");
    }
    detect_plugin(first_line(result->stdout_data));
  }));
}

void ComposeEngine::detect_plugin(std::string engine_version) {
  CommandRequest probe{plugin_version_argv(settings_.docker_path), std::nullopt, "", kProbeTimeout};
  run(std::move(probe), lifetime_.guard([this, engine_version](Result<ProcessResult> result) {
    if (result && result->exit_code == 0) {
      if (auto version = parse_compose_version(result->stdout_data)) {
        return detected(ComposeCli{ComposeFlavor::plugin_v2, *version, settings_.docker_path,
                                   settings_.docker_compose_path},
                        engine_version);
      }
    }
    if (!result && result.error().code != "runtime.unavailable")
      return detected(result.error(), engine_version);
    detect_standalone(engine_version);
  }));
}

void ComposeEngine::detect_standalone(std::string engine_version) {
  CommandRequest probe{standalone_version_argv(settings_.docker_compose_path), std::nullopt, "",
                       kProbeTimeout};
  run(std::move(probe), lifetime_.guard([this, engine_version](Result<ProcessResult> result) {
    if (!result && result.error().code == "runtime.unavailable") {
      return detected(unavailable("neither `" + settings_.docker_path + " compose` (v2 plugin) nor `" +
                                  settings_.docker_compose_path + "` (v1) is installed"),
                      engine_version);
    }
    if (!result) return detected(result.error(), engine_version);
    auto version = result->exit_code == 0 ? parse_compose_version(result->stdout_data) : std::nullopt;
    if (!version) {
      return detected(unavailable("`" + settings_.docker_compose_path + " version` failed: " +
                                  trimmed_output(result->stderr_data + result->stdout_data, 500)),
                      engine_version);
    }
    detected(ComposeCli{ComposeFlavor::standalone_v1, *version, settings_.docker_path,
                        settings_.docker_compose_path},
             engine_version);
  }));
}

void ComposeEngine::detected(Result<ComposeCli> cli, const std::string& engine_version) {
  detecting_ = false;
  if (cli) {
    cli_ = *cli;
    logger_.info("compose CLI detected", {{"cli", std::string(to_string(cli->flavor))},
                                          {"version", cli->version},
                                          {"engine_version", engine_version}});
  } else {
    logger_.warn("compose runtime unavailable",
                 {{"code", cli.error().code}, {"reason", cli.error().message}});
  }
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& done : waiting) done(cli);
}

void ComposeEngine::run(CommandRequest request, Callback<ProcessResult> done) {
  ProcessSpec spec;
  spec.argv = std::move(request.argv);
  if (!spec.argv.empty())
    spec.argv.insert(spec.argv.begin() + 1, settings_.global_options.begin(), settings_.global_options.end());
  spec.environment = request.environment ? std::move(*request.environment) : settings_.environment;
  spec.working_directory = std::move(request.working_directory);
  spec.timeout = request.timeout;
  const std::string program = spec.argv.empty() ? std::string() : spec.argv.front();
  processes_.run(std::move(spec), lifetime_.guard([this, program, done](Result<ProcessResult> result) {
    if (!result) {
      if (result.error().code == "process.not_found") {
        cli_.reset();
        return done(unavailable("`" + program + "` is not installed: " + result.error().message));
      }
      return done(result.error());
    }
    if (result->exit_code != 0 && reports_engine_unreachable(result->stderr_data)) {
      cli_.reset();
      return done(unavailable(trimmed_output(result->stderr_data, 500)));
    }
    done(std::move(result));
  }));
}

}  // namespace margo
