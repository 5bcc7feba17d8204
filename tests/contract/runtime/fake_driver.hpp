#pragma once
// The fake runtime in virtual time, held to the same contract as the real ones: it is what the
// simulator's verdicts rest on.

#include "fakes/runtime/fake_runtime.hpp"
#include "sim/adapters/virtual_executor.hpp"
#include "tests/contract/runtime/runtime_driver.hpp"

namespace margo::contract {

class FakeDriver final : public RuntimeDriver {
 public:
  static constexpr const char* kName = "fake runtime";

  WorkloadRuntime& runtime() override { return runtime_; }

  bool run_until(const std::function<bool()>& done, Duration limit) override {
    const MonoTime deadline = executor_.now() + limit;
    while (!done()) {
      const auto due = executor_.next_due();
      if (!due || *due > deadline) return false;
      executor_.run_one();
    }
    return true;
  }

  ComponentSpec installable(const std::string& deployment_id, const std::string& component_name,
                            std::vector<ParameterValue> parameters) override {
    ComponentSpec spec;
    spec.ref = {deployment_id, component_name,
                runtime_.runtime_name(deployment_id, "contract", component_name), ""};
    spec.properties = nlohmann::json::object();
    spec.parameters = std::move(parameters);
    return spec;
  }

  ComponentSpec uninstallable(const std::string& deployment_id, const std::string& component_name) override {
    runtime_.fail_next("apply", component_name, 1,
                       retryable_error("runtime.apply_failed", "image missing: " + component_name));
    return installable(deployment_id, component_name, {});
  }

  std::string parameter_pointer() const override { return "GREETING"; }

  std::optional<std::string> parameter_seen(const ComponentRef& ref) override {
    const auto found = runtime_.installed().find(ref.runtime_name);
    if (found == runtime_.installed().end()) return std::nullopt;
    for (const auto& parameter : found->second.spec.parameters)
      if (parameter.pointer == parameter_pointer())
        return parameter.value.is_string() ? parameter.value.get<std::string>() : parameter.value.dump();
    return std::nullopt;
  }

  void break_workload(const ComponentRef& ref) override {
    runtime_.set_health(ref.runtime_name, ComponentHealth::failed);
  }
  void delete_workload(const ComponentRef& ref) override {
    runtime_.delete_behind_the_agents_back(ref.runtime_name);
  }

 private:
  VirtualExecutor executor_;
  fake::FakeRuntime runtime_{executor_, "compose"};
};

}  // namespace margo::contract
