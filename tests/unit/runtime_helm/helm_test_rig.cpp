#include "tests/unit/runtime_helm/helm_test_rig.hpp"

#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>

namespace margo::testing {

TempDirectory::TempDirectory() {
  char pattern[] = "/tmp/margo-helm-test-XXXXXX";
  const char* made = ::mkdtemp(pattern);
  REQUIRE(made != nullptr);
  path_ = made;
}

TempDirectory::~TempDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void CapturingLogSink::write(const LogRecord& record) {
  std::lock_guard lock(mutex_);
  records_.push_back(record);
}

std::size_t CapturingLogSink::count(const std::string& message) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(records_.begin(), records_.end(),
                                                [&](const LogRecord& r) { return r.message == message; }));
}

std::vector<LogRecord> CapturingLogSink::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}

HelmRig::HelmRig(const std::function<void(HelmSettings&)>& adjust)
    : kubeconfig_(directory_.path() + "/kube/config"),
      cluster_((std::filesystem::create_directories(directory_.path() + "/kube"),
                fake::FakeHelmCluster::create(kubeconfig_))) {
  settings_.helm_path = kFakeHelm;
  settings_.kubeconfig_path = kubeconfig_;
  settings_.work_directory = directory_.path() + "/work/helm";
  settings_.environment = {{"HOME", directory_.path()}};
  if (adjust) adjust(settings_);
  runtime_ = std::make_unique<HelmRuntime>(loop_.loop(), runner_, fs_, settings_,
                                           Logger(logs_, loop_.loop(), LogLevel::debug, "helm"));
}

HelmRig::~HelmRig() {
  // The runtime lives on the loop thread: destroy it there, between two tasks.
  loop_.call<void>([this](Callback<void> done) {
    runtime_.reset();
    done(Status{});
  });
}

ComponentSpec HelmRig::component(const std::string& name, nlohmann::json properties,
                                 std::vector<ParameterValue> parameters, const std::string& namespace_name) {
  const std::string reference = "oci://registry.test/charts/" + name;
  cluster_.add_chart(reference, {"1.0.0", "1.1.0"});
  if (!properties.contains("repository")) properties["repository"] = reference;
  if (!properties.contains("revision")) properties["revision"] = "1.0.0";
  ComponentSpec spec;
  spec.ref.deployment_id = "dep-1";
  spec.ref.component_name = name;
  spec.ref.runtime_name = runtime_->runtime_name("dep-1", "line-monitor", name);
  spec.ref.namespace_name = namespace_name;
  spec.properties = std::move(properties);
  spec.parameters = std::move(parameters);
  return spec;
}

CallOutcome<void> HelmRig::apply(const ComponentSpec& spec) {
  return loop_.call<void>([this, spec](Callback<void> done) { runtime_->apply(spec, done); });
}

CallOutcome<void> HelmRig::remove(const ComponentRef& ref) {
  return loop_.call<void>([this, ref](Callback<void> done) { runtime_->remove(ref, done); });
}

CallOutcome<ComponentObservation> HelmRig::inspect(const ComponentRef& ref) {
  return loop_.call<ComponentObservation>(
      [this, ref](Callback<ComponentObservation> done) { runtime_->inspect(ref, done); });
}

std::optional<nlohmann::json> HelmRig::release(const ComponentRef& ref) {
  return cluster_.latest(ref.namespace_name.empty() ? "default" : ref.namespace_name, ref.runtime_name);
}

std::vector<std::vector<std::string>> HelmRig::invocations(const std::string& command) {
  std::vector<std::vector<std::string>> matching;
  for (auto& line : cluster_.invocations())
    if (!line.empty() && line.front() == command) matching.push_back(std::move(line));
  return matching;
}

void require_ok(const CallOutcome<void>& outcome) {
  REQUIRE(outcome.result.has_value());
  if (!outcome.result->ok()) FAIL(outcome.result->error().code << ": " << outcome.result->error().message);
  CHECK_FALSE(outcome.completed_inline);
  CHECK(outcome.completions == 1);
}

Error require_error(const CallOutcome<void>& outcome) {
  REQUIRE(outcome.result.has_value());
  REQUIRE_FALSE(outcome.result->ok());
  CHECK_FALSE(outcome.completed_inline);
  return outcome.result->error();
}

ComponentObservation require_observation(const CallOutcome<ComponentObservation>& outcome) {
  REQUIRE(outcome.result.has_value());
  if (!outcome.result->ok()) FAIL(outcome.result->error().code << ": " << outcome.result->error().message);
  CHECK_FALSE(outcome.completed_inline);
  return outcome.result->value();
}

}  // namespace margo::testing
