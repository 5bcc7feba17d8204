#pragma once
// A ComposeRuntime over scripted docker / compose CLIs and a scripted HTTP client, in virtual time on
// the in-memory filesystem.

#include <catch2/catch.hpp>

#include <memory>
#include <optional>

#include "agent/runtime/compose/compose_runtime.hpp"
#include "scripted_http_client.hpp"
#include "scripted_process_runner.hpp"
#include "sim/adapters/memory_filesystem.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/virtual_executor.hpp"

namespace margo::test {

inline const std::string kWork = "/data/compose";
inline const std::string kDockerHost = "unix:///run/test-docker.sock";
inline const std::string kPackageUrl = "https://dl.example/shop/compose.yaml";
inline const std::string kComposeYaml =
    "services:\n  web:\n    image: margo-test/busybox:1\n    environment:\n      SITE: ${SITE}\n"
    "  worker:\n    image: margo-test/busybox:1\n  debug:\n    image: margo-test/busybox:1\n    profiles: "
    "[debug]\n";
inline const std::string kCannotConnect =
    "Cannot connect to the Docker daemon at unix:///run/test-docker.sock. Is the docker daemon running?\n";

inline ComposeSettings test_settings() {
  ComposeSettings settings;
  settings.docker_host = kDockerHost;
  settings.work_directory = kWork;
  return settings;
}

// A docker ps line for one container of project `project`.
inline std::string ps_line(const std::string& service, const std::string& state, const std::string& status) {
  return R"({"Labels":"com.docker.compose.oneoff=False,com.docker.compose.project=p,com.docker.compose.service=)" +
         service + R"(","Names":"p_)" + service + R"(_1","State":")" + state + R"(","Status":")" + status +
         "\"}\n";
}

struct RuntimeRig {
  explicit RuntimeRig(ComposeSettings settings = test_settings())
      : runtime(std::make_unique<ComposeRuntime>(executor, processes, http, fs, std::move(settings),
                                                 Logger(sink, executor, LogLevel::debug, "compose"))) {
    http.serve(kPackageUrl, 200, kComposeYaml);
  }

  // docker-compose v1 and an engine that answers; every compose command succeeds.
  void script_v1() {
    processes.on({"docker", "version"}, exited(0, "20.10.24+dfsg1\n"));
    processes.on({"docker", "compose", "version"},
                 exited(1, "", "docker: unknown command: docker compose\n"));
    processes.on({"docker-compose", "version"}, exited(0, "1.29.2\n"));
    script_compose_commands();
  }
  void script_v2() {
    processes.on({"docker", "version"}, exited(0, "26.1.5\n"));
    processes.on({"docker", "compose", "version"}, exited(0, "v2.24.5\n"));
    script_compose_commands();
  }
  void script_compose_commands() {
    processes.on({"config", "-q"}, exited(0));
    processes.on({"up"}, exited(0, "", "Creating p_web_1 ... done\n"));
    processes.on({"down"}, exited(0));
    processes.on({"ps", "--format"}, exited(0, ps_line("web", "running", "Up 1 minute") +
                                                   ps_line("worker", "running", "Up 1 minute")));
  }

  ComponentSpec spec(nlohmann::json properties = {{"packageLocation", kPackageUrl}},
                     std::vector<ParameterValue> parameters = {{"SITE", "Plant-7"}}) {
    ComponentSpec spec;
    spec.ref = ref();
    spec.properties = std::move(properties);
    spec.parameters = std::move(parameters);
    return spec;
  }
  ComponentRef ref() const { return ComponentRef{"5f0c2b7e", "stack", project, ""}; }

  template <typename T>
  Result<T> complete(const std::function<void(Callback<T>)>& start) {
    std::optional<Result<T>> outcome;
    start([&](Result<T> result) { outcome = std::move(result); });
    REQUIRE_FALSE(outcome.has_value());  // never completes inline
    executor.run_until_idle();
    REQUIRE(outcome.has_value());
    return std::move(*outcome);
  }
  Status apply(const ComponentSpec& component) {
    return complete<void>([&](Callback<void> done) { runtime->apply(component, done); });
  }
  Status remove() {
    return complete<void>([&](Callback<void> done) { runtime->remove(ref(), done); });
  }
  Result<ComponentObservation> inspect() {
    return complete<ComponentObservation>(
        [&](Callback<ComponentObservation> done) { runtime->inspect(ref(), done); });
  }

  std::string project_dir() const { return kWork + "/" + project; }
  bool exists(const std::string& path) {
    auto info = fs.stat(path);
    return info.ok() && info->has_value();
  }

  VirtualExecutor executor;
  ScriptedProcessRunner processes{executor};
  ScriptedHttpClient http{executor};
  MemoryFileSystem fs;
  RecordingLogSink sink;
  std::string project = "shop-stack-0123456789";
  std::unique_ptr<ComposeRuntime> runtime;
};

}  // namespace margo::test
