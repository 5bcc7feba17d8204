#pragma once
// A WorkloadRuntime in virtual time, for the simulator and tests: operations take a scripted time,
// fail when told to, the whole runtime can be unreachable (an engine that is not up yet), and an
// installed component can be made to die or vanish (drift). It keeps what is installed and a history
// of every operation, so tests can check what the agent did to it. Time comes from the executor only.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/workload_runtime.hpp"

namespace margo::fake {

struct FakeRuntimeOptions {
  Duration apply_duration = std::chrono::seconds(2);
  Duration remove_duration = std::chrono::seconds(1);
};

struct InstalledComponent {
  ComponentSpec spec;
  std::uint64_t applies = 0;  // successful applies of this runtime name since it was last absent
  ComponentHealth health = ComponentHealth::running;
};

struct RuntimeOperation {
  MonoTime at{};
  std::string operation;  // apply | remove
  std::string runtime_name;
  std::string outcome;  // ok | the error code
};

class FakeRuntime final : public WorkloadRuntime {
 public:
  FakeRuntime(Executor& executor, std::string profile_type, FakeRuntimeOptions options = {});
  ~FakeRuntime() override;

  std::string profile_type() const override { return profile_type_; }
  std::string runtime_name(const std::string& deployment_id, const std::string& deployment_name,
                           const std::string& component_name) const override;
  void apply(const ComponentSpec& spec, Callback<void> done) override;
  void remove(const ComponentRef& ref, Callback<void> done) override;
  void inspect(const ComponentRef& ref, Callback<ComponentObservation> done) override;

  // --- knobs
  // The next `count` operations ("apply" or "remove") on the component (any component when empty)
  // fail with `error`.
  void fail_next(const std::string& operation, const std::string& component_name, std::uint32_t count,
                 Error error);
  // Forgets the failures fail_next() queued and not yet used (the registry is back).
  void clear_failures() { failures_.clear(); }
  // While unavailable every operation fails with runtime.unavailable (retryable).
  void set_unavailable(bool unavailable) { unavailable_ = unavailable; }
  void set_options(FakeRuntimeOptions options) { options_ = options; }
  // Applies of this component take `duration` instead of the usual time (a slow image pull).
  void set_apply_duration(const std::string& component_name, Duration duration) {
    apply_durations_[component_name] = duration;
  }
  // Drift: the component's workload dies (failed) or disappears (removed behind the agent's back).
  void set_health(const std::string& runtime_name, ComponentHealth health);
  void delete_behind_the_agents_back(const std::string& runtime_name) { installed_.erase(runtime_name); }
  // Called after every operation (the simulator writes them into its timeline).
  void set_observer(std::function<void(const RuntimeOperation&)> observer) {
    observer_ = std::move(observer);
  }

  // --- observations
  // The runtime name under which the deployment's component is installed, if it is.
  std::optional<std::string> installed_name(const std::string& deployment_id,
                                            const std::string& component_name) const;
  const std::map<std::string, InstalledComponent>& installed() const { return installed_; }
  const std::vector<RuntimeOperation>& history() const { return history_; }
  std::size_t successful_applies() const;

 private:
  struct Failure {
    std::string operation;
    std::string component_name;
    std::uint32_t count;
    Error error;
  };

  std::optional<Error> take_failure(const std::string& operation, const std::string& component_name);
  void record(const std::string& operation, const std::string& runtime_name, const Status& outcome);

  Executor& executor_;
  std::string profile_type_;
  FakeRuntimeOptions options_;
  bool unavailable_ = false;
  std::deque<Failure> failures_;
  std::map<std::string, Duration> apply_durations_;
  std::map<std::string, InstalledComponent> installed_;
  std::vector<RuntimeOperation> history_;
  std::function<void(const RuntimeOperation&)> observer_;
  // Operations still running when the runtime is destroyed complete into nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace margo::fake
