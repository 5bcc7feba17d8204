#pragma once
// The compose runtime on the real engine, wired like the agent, for integration tests; and the shell
// helpers the tests use to look at and disturb containers behind the runtime's back.

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "agent/adapters/http/https_client.hpp"
#include "agent/adapters/posix_filesystem.hpp"
#include "agent/adapters/spawn_process_runner.hpp"
#include "agent/adapters/stderr_log_sink.hpp"
#include "agent/runtime/compose/compose_runtime.hpp"
#include "tests/contract/http/loop_thread.hpp"
#include "tests/contract/runtime/docker_shell.hpp"

namespace margo::test {

inline constexpr const char* kTestImage = "margo-test/busybox:1";

// A loopback port nothing listens on (bound, then closed): for a server to start on, or to be refused.
int unused_loopback_port();

bool docker_tests_skipped();
// Fails the test, saying what to do, when the engine does not answer or the test image is missing
// (without the image, compose would try to pull it from a public registry).
void require_docker();

// Start of every Docker test: skipped loudly with MARGO_SKIP_DOCKER=1, a clear failure without an engine.
#define MARGO_REQUIRE_DOCKER_OR_SKIP()                                                           \
  do {                                                                                           \
    if (::margo::test::docker_tests_skipped()) {                                                 \
      WARN("MARGO_SKIP_DOCKER=1: this Docker integration test is SKIPPED ON PURPOSE (not run)"); \
      return;                                                                                    \
    }                                                                                            \
    ::margo::test::require_docker();                                                             \
  } while (false)

class DockerRig {
 public:
  explicit DockerRig(const std::function<void(ComposeSettings&)>& adjust = {});
  ~DockerRig();
  DockerRig(const DockerRig&) = delete;
  DockerRig& operator=(const DockerRig&) = delete;

  // A component whose package is `compose_yaml` written to a file of its own; its project is removed
  // when the rig goes, whatever happened.
  ComponentSpec component(const std::string& component_name, const std::string& compose_yaml,
                          std::vector<ParameterValue> parameters = {}, nlohmann::json properties = {});
  ComponentSpec component_at(const std::string& component_name, const nlohmann::json& properties,
                             std::vector<ParameterValue> parameters = {});

  Status apply(const ComponentSpec& spec);
  Status remove(const ComponentRef& ref);
  Result<ComponentObservation> inspect(const ComponentRef& ref);

  // Writes a file under the rig's temporary folder; returns its absolute path.
  std::string write_file(const std::string& relative_path, const std::string& content);
  const std::filesystem::path& temp() const { return janitor_.temp; }
  std::string project_dir(const ComponentRef& ref) const;
  std::vector<std::string> containers(const ComponentRef& ref, bool include_stopped = false) const;
  std::vector<std::string> volumes(const ComponentRef& ref) const;

 private:
  struct Janitor {
    std::filesystem::path temp;
    std::set<std::string> projects;
    ~Janitor();
  };
  template <typename T>
  Result<T> call(const std::function<void(Callback<T>)>& start);

  Janitor janitor_;  // first: destroyed last
  std::string deployment_prefix_;
  std::unique_ptr<testing::LoopThread> loop_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<SpawnProcessRunner> processes_;
  PosixFileSystem fs_;
  StderrLogSink sink_{LogFormat::logfmt};
  std::unique_ptr<HttpsClient> http_;
  std::unique_ptr<ComposeRuntime> runtime_;
  ComposeSettings settings_;
  int components_ = 0;
};

}  // namespace margo::test
