#pragma once
// A HelmRuntime over the real fake-helm executable: real event loop thread, worker pool, posix_spawn process
// runner and POSIX files, in a fresh temporary directory holding the kubeconfig, the fake cluster and
// the runtime's work directory. Operations are started on the loop and awaited from the test thread.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/adapters/posix_filesystem.hpp"
#include "agent/adapters/spawn_process_runner.hpp"
#include "agent/runtime/helm/helm_runtime.hpp"
#include "fakes/helm_cli/fake_helm_cluster.hpp"
#include "tests/contract/http/loop_thread.hpp"

namespace margo::testing {

inline const std::string kFakeHelm = MARGO_BINARY_DIR "/bin/fake-helm";

// mkdtemp, removed with everything in it at the end.
class TempDirectory {
 public:
  TempDirectory();
  ~TempDirectory();
  TempDirectory(const TempDirectory&) = delete;
  TempDirectory& operator=(const TempDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Keeps records written on the loop thread for the test thread.
class CapturingLogSink final : public LogSink {
 public:
  void write(const LogRecord& record) override;
  std::size_t count(const std::string& message) const;
  std::vector<LogRecord> records() const;

 private:
  mutable std::mutex mutex_;
  std::vector<LogRecord> records_;
};

class HelmRig {
 public:
  // `adjust` may change the settings before the runtime is made (helm path, margins...).
  explicit HelmRig(const std::function<void(HelmSettings&)>& adjust = {});
  ~HelmRig();

  HelmRuntime& runtime() { return *runtime_; }
  fake::FakeHelmCluster& cluster() { return cluster_; }
  CapturingLogSink& logs() { return logs_; }
  const HelmSettings& settings() const { return settings_; }
  const std::string& kubeconfig() const { return kubeconfig_; }
  const std::string& root() const { return directory_.path(); }

  // A component of deployment "dep-1" whose chart oci://registry.test/charts/<name> exists in
  // versions 1.0.0 and 1.1.0 (registered here), with revision 1.0.0 unless properties say otherwise.
  ComponentSpec component(const std::string& name, nlohmann::json properties = nlohmann::json::object(),
                          std::vector<ParameterValue> parameters = {},
                          const std::string& namespace_name = "apps");

  CallOutcome<void> apply(const ComponentSpec& spec);
  CallOutcome<void> remove(const ComponentRef& ref);
  CallOutcome<ComponentObservation> inspect(const ComponentRef& ref);

  // The latest revision fake-helm keeps for the component, as `helm status -o json` prints it.
  std::optional<nlohmann::json> release(const ComponentRef& ref);
  // fake-helm command lines run so far whose first word is `command`.
  std::vector<std::vector<std::string>> invocations(const std::string& command);

 private:
  TempDirectory directory_;
  std::string kubeconfig_;
  fake::FakeHelmCluster cluster_;
  CapturingLogSink logs_;
  HelmSettings settings_;
  LoopThread loop_;
  WorkerPool workers_{2};
  SpawnProcessRunner runner_{loop_.loop(), workers_};
  PosixFileSystem fs_;
  std::unique_ptr<HelmRuntime> runtime_;
};

// The result of an awaited call that must have succeeded / failed (fails the test otherwise).
void require_ok(const CallOutcome<void>& outcome);
Error require_error(const CallOutcome<void>& outcome);
ComponentObservation require_observation(const CallOutcome<ComponentObservation>& outcome);

}  // namespace margo::testing
