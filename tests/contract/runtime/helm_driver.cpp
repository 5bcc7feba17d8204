#include "tests/contract/runtime/helm_driver.hpp"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <stdexcept>
#include <thread>

namespace margo::contract {
namespace {

constexpr const char* kNamespace = "margo-contract";
constexpr const char* kRegistry = "oci://registry.test/charts/";

std::string make_temp_directory() {
  char pattern[] = "/tmp/margo-helm-contract-XXXXXX";
  const char* made = ::mkdtemp(pattern);
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  return made;
}

std::string namespace_of(const ComponentRef& ref) {
  return ref.namespace_name.empty() ? "default" : ref.namespace_name;
}

}  // namespace

// Forwards every operation to the loop thread, where the HelmRuntime lives. A completion is delivered
// only if no run_until has given up since the call was made: the test that waited for it may have
// unwound, taking the variables the callback writes with it.
class HelmDriver::LoopBoundRuntime final : public WorkloadRuntime {
 public:
  LoopBoundRuntime(Executor& loop, HelmRuntime& runtime, const std::uint64_t& epoch)
      : loop_(loop), runtime_(runtime), epoch_(epoch) {}

  std::string profile_type() const override { return runtime_.profile_type(); }
  std::string runtime_name(const std::string& deployment_id, const std::string& deployment_name,
                           const std::string& component_name) const override {
    return runtime_.runtime_name(deployment_id, deployment_name, component_name);  // pure: no state touched
  }
  void apply(const ComponentSpec& spec, Callback<void> done) override {
    loop_.post([this, spec, done = std::move(done)] { runtime_.apply(spec, current(done)); });
  }
  void remove(const ComponentRef& ref, Callback<void> done) override {
    loop_.post([this, ref, done = std::move(done)] { runtime_.remove(ref, current(done)); });
  }
  void inspect(const ComponentRef& ref, Callback<ComponentObservation> done) override {
    loop_.post([this, ref, done = std::move(done)] { runtime_.inspect(ref, current(done)); });
  }

 private:
  // Runs on the loop thread, as does every read of epoch_.
  template <typename T>
  Callback<T> current(Callback<T> done) {
    return [this, epoch = epoch_, done = std::move(done)](Result<T> result) {
      if (epoch == epoch_) done(std::move(result));
    };
  }

  Executor& loop_;
  HelmRuntime& runtime_;
  const std::uint64_t& epoch_;
};

HelmDriver::HelmDriver() : HelmDriver(MARGO_BINARY_DIR "/bin/fake-helm") {}

HelmDriver::HelmDriver(std::string helm_path) : root_(make_temp_directory()) {
  std::filesystem::create_directories(root_ + "/kube");
  settings_.helm_path = std::move(helm_path);
  settings_.kubeconfig_path = root_ + "/kube/config";
  settings_.work_directory = root_ + "/data/helm";
  settings_.environment = {{"HOME", root_}};
  cluster_ =
      std::make_unique<fake::FakeHelmCluster>(fake::FakeHelmCluster::create(settings_.kubeconfig_path));
  helm_ = std::make_unique<HelmRuntime>(loop_.loop(), runner_, fs_, settings_,
                                        Logger(log_sink_, loop_.loop(), LogLevel::warn, "helm"));
  proxy_ = std::make_unique<LoopBoundRuntime>(loop_.loop(), *helm_, epoch_);
}

HelmDriver::~HelmDriver() {
  // The runtime is destroyed on its own thread, between two tasks; completions arriving later find it
  // gone and do nothing. Then the runner, the workers (waiting for running children) and the loop.
  loop_.call<void>([this](Callback<void> done) {
    proxy_.reset();
    helm_.reset();
    done(Status{});
  });
  workers_.shutdown();  // waits for helm children still running, so nothing writes under root_ any more
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

WorkloadRuntime& HelmDriver::runtime() {
  return *proxy_;
}

bool HelmDriver::run_until(const std::function<bool()>& done, Duration limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto held = std::make_shared<std::promise<bool>>();
    auto answer = held->get_future();
    loop_.loop().post([held, &done] { held->set_value(done()); });
    if (answer.get()) return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      // Calls made so far will not be waited for any more: their completions are dropped from now on.
      auto bumped = std::make_shared<std::promise<void>>();
      auto finished = bumped->get_future();
      loop_.loop().post([this, bumped] {
        ++epoch_;
        bumped->set_value();
      });
      finished.wait();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ComponentSpec HelmDriver::installable(const std::string& deployment_id, const std::string& component_name,
                                      std::vector<ParameterValue> parameters) {
  cluster_->add_chart(kRegistry + component_name, {"1.0.0"});
  ComponentSpec spec;
  spec.ref.deployment_id = deployment_id;
  spec.ref.component_name = component_name;
  spec.ref.runtime_name = helm_->runtime_name(deployment_id, "contract", component_name);
  spec.ref.namespace_name = kNamespace;
  spec.properties = {
      {"repository", kRegistry + component_name}, {"revision", "1.0.0"}, {"wait", true}, {"timeout", "1m0s"}};
  spec.parameters = std::move(parameters);
  return spec;
}

ComponentSpec HelmDriver::uninstallable(const std::string& deployment_id, const std::string& component_name) {
  ComponentSpec spec = installable(deployment_id, component_name, {});
  spec.properties["revision"] = "99.0.0-missing";
  return spec;
}

std::optional<std::string> HelmDriver::parameter_seen(const ComponentRef& ref) {
  const auto release = cluster_->latest(namespace_of(ref), ref.runtime_name);
  if (!release) return std::nullopt;
  const auto config = release->find("config");
  if (config == release->end() || !config->is_object()) return std::nullopt;
  const auto app = config->find("app");
  if (app == config->end() || !app->is_object()) return std::nullopt;
  const auto greeting = app->find("greeting");
  if (greeting == app->end()) return std::nullopt;
  return greeting->is_string() ? greeting->get<std::string>() : greeting->dump();
}

void HelmDriver::break_workload(const ComponentRef& ref) {
  cluster_->set_release_status(namespace_of(ref), ref.runtime_name, "failed", "broken by the contract test");
}

void HelmDriver::delete_workload(const ComponentRef& ref) {
  cluster_->delete_release(namespace_of(ref), ref.runtime_name);
}

}  // namespace margo::contract
