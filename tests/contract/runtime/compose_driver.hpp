#pragma once
// The runtime contract's driver for ComposeRuntime on a real Docker engine: the production event loop
// on its own thread, the worker pool, the posix_spawn process runner, the POSIX filesystem and the HTTPS
// client, exactly as the agent wires them. Needs an engine and the image margo-test/busybox:1
// (ci/docker.sh makes both); test compose files use `network_mode: none` only.
//
// Threading: the runtime lives on the loop thread. runtime() returns a proxy that posts every call
// onto the loop; completions and run_until's `done` both run on the loop thread under one lock, so a
// test may share plain variables between them. After a run_until that timed out, completions of
// calls made before it are dropped (the test's variables may be gone).
//
// Isolation: runtime names get a per-driver salt mixed into the deployment id, so parallel test
// processes and leftovers of earlier runs never share a project. The destructor removes every project
// the driver handed out (containers, networks, volumes) and its temporary folders.

#include <memory>

#include "tests/contract/runtime/runtime_driver.hpp"

namespace margo::contract {

class ComposeDriver final : public RuntimeDriver {
 public:
  ComposeDriver();
  ~ComposeDriver() override;
  ComposeDriver(const ComposeDriver&) = delete;
  ComposeDriver& operator=(const ComposeDriver&) = delete;

  WorkloadRuntime& runtime() override;
  bool run_until(const std::function<bool()>& done, Duration limit) override;

  ComponentSpec installable(const std::string& deployment_id, const std::string& component_name,
                            std::vector<ParameterValue> parameters) override;
  ComponentSpec uninstallable(const std::string& deployment_id, const std::string& component_name) override;
  std::string parameter_pointer() const override { return "MARGO_PARAMETER"; }
  std::optional<std::string> parameter_seen(const ComponentRef& ref) override;
  void break_workload(const ComponentRef& ref) override;
  void delete_workload(const ComponentRef& ref) override;

 private:
  struct Rig;
  std::unique_ptr<Rig> rig_;
};

}  // namespace margo::contract
