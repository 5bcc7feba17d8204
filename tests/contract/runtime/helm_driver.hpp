#pragma once
// The runtime contract's driver for the Helm runtime: a HelmRuntime over the fake helm CLI
// (fakes/helm_cli, built as bin/fake-helm), on the real EventLoop (its own thread), WorkerPool and
// SpawnProcessRunner, with POSIX files in a temporary directory removed by the destructor.
//
// The event loop cannot be stopped and started again, so it runs on a thread for the driver's whole
// life. Everything that touches the HelmRuntime runs on that thread: runtime() hands out a proxy that
// posts apply/remove/inspect to the loop (their callbacks run there too), and run_until() evaluates
// `done` on the loop. A test may therefore keep its state in plain variables, as with a virtual-time
// driver. After a run_until that gave up, completions of calls made before it are dropped (the test's
// variables may be gone).
//
// Build needs: link margo_runtime_helm, margo_adapters and margo_fake_helm_cluster, add a dependency
// on the fake-helm target, and compile with MARGO_BINARY_DIR defined (margo_add_test_suite does).

#include <cstdint>
#include <memory>
#include <string>

#include "agent/adapters/posix_filesystem.hpp"
#include "agent/adapters/spawn_process_runner.hpp"
#include "agent/adapters/stderr_log_sink.hpp"
#include "agent/runtime/helm/helm_runtime.hpp"
#include "fakes/helm_cli/fake_helm_cluster.hpp"
#include "tests/contract/http/loop_thread.hpp"
#include "tests/contract/runtime/runtime_driver.hpp"

namespace margo::contract {

class HelmDriver final : public RuntimeDriver {
 public:
  static constexpr const char* kName = "helm runtime over fake-helm";

  HelmDriver();
  // With another helm executable (default: MARGO_BINARY_DIR "/bin/fake-helm").
  explicit HelmDriver(std::string helm_path);
  ~HelmDriver() override;
  HelmDriver(const HelmDriver&) = delete;
  HelmDriver& operator=(const HelmDriver&) = delete;

  WorkloadRuntime& runtime() override;
  bool run_until(const std::function<bool()>& done, Duration limit) override;
  // A chart oci://registry.test/charts/<component> in version 1.0.0 (registered in the fake cluster),
  // namespace "margo-contract", wait with a 1m timeout.
  ComponentSpec installable(const std::string& deployment_id, const std::string& component_name,
                            std::vector<ParameterValue> parameters) override;
  // A chart version the registry does not have: apply fails with helm.chart_not_found.
  ComponentSpec uninstallable(const std::string& deployment_id, const std::string& component_name) override;
  // A nested values path, read back from the release's user-supplied values.
  std::string parameter_pointer() const override { return "app.greeting"; }
  std::optional<std::string> parameter_seen(const ComponentRef& ref) override;
  // Marks the release failed / deletes it in the fake cluster, as `kubectl` or an operator could.
  void break_workload(const ComponentRef& ref) override;
  void delete_workload(const ComponentRef& ref) override;

  // For tests that want more: the fake cluster's knobs, and the settings the runtime got.
  fake::FakeHelmCluster& cluster() { return *cluster_; }
  const HelmSettings& settings() const { return settings_; }

 private:
  class LoopBoundRuntime;

  std::string root_;  // the temporary directory
  HelmSettings settings_;
  std::unique_ptr<fake::FakeHelmCluster> cluster_;
  StderrLogSink log_sink_{LogFormat::logfmt};
  margo::testing::LoopThread loop_;
  WorkerPool workers_{2};
  SpawnProcessRunner runner_{loop_.loop(), workers_};
  PosixFileSystem fs_;
  std::uint64_t epoch_ = 0;  // bumped (on the loop) when a run_until gives up
  std::unique_ptr<HelmRuntime> helm_;
  std::unique_ptr<LoopBoundRuntime> proxy_;
};

}  // namespace margo::contract
