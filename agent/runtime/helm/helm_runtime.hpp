#pragma once
// The Helm workload runtime: one component of a `helm` deployment profile is one helm release,
// installed, upgraded and removed with the helm CLI (v3 command line). The release name is chosen
// once (runtime_name) and stored by the engine; the namespace is the deployment's metadata.namespace
// ("default" when empty). What apply does in each release state is described in helm_apply.hpp, the
// error codes in helm_errors.hpp, the values built from parameters in helm_values.hpp.
//
// All waiting goes through the ProcessRunner and the Executor: the adapter neither sleeps nor reads
// the clock. Completions run on the executor, never inline. Operations still running when the runtime
// is destroyed complete into nothing.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/core/logger.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/process_runner.hpp"
#include "agent/ports/workload_runtime.hpp"
#include "agent/runtime/helm/helm_cli.hpp"
#include "agent/runtime/helm/helm_settings.hpp"

namespace margo {

class HelmRuntime final : public WorkloadRuntime {
 public:
  // How long remove() lets `helm uninstall --wait` wait for the resources to go.
  static constexpr Duration kUninstallTimeout = std::chrono::minutes(5);

  HelmRuntime(Executor& executor, ProcessRunner& processes, FileSystem& fs, HelmSettings settings,
              Logger logger);
  ~HelmRuntime() override;
  HelmRuntime(const HelmRuntime&) = delete;
  HelmRuntime& operator=(const HelmRuntime&) = delete;

  std::string profile_type() const override { return "helm"; }
  // See helm_release_name() in release_name.hpp.
  std::string runtime_name(const std::string& deployment_id, const std::string& deployment_name,
                           const std::string& component_name) const override;
  void apply(const ComponentSpec& spec, Callback<void> done) override;
  void remove(const ComponentRef& ref, Callback<void> done) override;
  void inspect(const ComponentRef& ref, Callback<ComponentObservation> done) override;

  // What `helm version --short` said at first use; empty before.
  const std::string& helm_version() const { return version_; }

 private:
  enum class VersionState { unknown, probing, known };

  // Runs `next` on the executor once helm has answered `helm version` (asked once, at first use) and
  // the kubeconfig exists; with the error otherwise.
  void when_ready(std::function<void(Status)> next);
  void on_version(Result<ProcessResult> result);
  Status check_kubeconfig();
  template <typename T>
  void fail_later(Callback<T> done, Error error);

  Executor& executor_;
  FileSystem& fs_;
  Logger logger_;
  HelmCli cli_;
  VersionState version_state_ = VersionState::unknown;
  std::string version_;
  std::vector<std::function<void(Status)>> version_waiters_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace margo
