#pragma once
// One simulated device and its fake WFM in virtual time: the real agent core and protocol client
// (signing included) over the simulated network, files and clock. The agent can be started, killed
// (kill -9: in-flight work vanishes) and put through a power loss (unsynced data vanishes too), then
// started again on what survived, like a process on a real device.

#include <memory>
#include <optional>
#include <string>

#include "agent/core/agent.hpp"
#include "fakes/runtime/fake_runtime.hpp"
#include "fakes/wfm/fake_wfm.hpp"
#include "sim/adapters/memory_filesystem.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/seeded_random.hpp"
#include "sim/adapters/sim_network.hpp"
#include "sim/adapters/virtual_executor.hpp"

namespace margo::sim {

inline constexpr std::string_view kWfmUrl = "https://wfm.sim.margo";
inline constexpr std::string_view kDataDirectory = "/var/lib/margo-agent";
inline constexpr std::string_view kCapabilitiesPath = "/etc/margo-agent/capabilities.json";

struct DeviceWorldOptions {
  std::uint64_t seed = 1;
  LinkProfile link{std::chrono::milliseconds(5), std::chrono::milliseconds(40), 0.0};
  Duration poll_interval = std::chrono::seconds(15);
  LogLevel log_level = LogLevel::info;
  bool sign_requests = true;
  fake::FakeWfmOptions wfm;
  fake::FakeRuntimeOptions runtime;
  ReconcilerSettings reconcile;
  MonitorSettings monitor;
  CommunicationPolicy communication;                     // in UTC: the simulated device's clock is on UTC
  std::vector<std::string> runtimes{"compose", "helm"};  // the runtimes this device has
  // A deliberately broken client, for the conformance kit's own tests: If-None-Match is taken off every
  // request before the WFM sees it (a client that ignores its ETag).
  bool broken_drop_if_none_match = false;
};

class DeviceWorld {
 public:
  explicit DeviceWorld(DeviceWorldOptions options = {});
  ~DeviceWorld();
  DeviceWorld(const DeviceWorld&) = delete;
  DeviceWorld& operator=(const DeviceWorld&) = delete;

  // Starts a fresh agent process on the current files. A running one is killed first.
  void start_agent();
  // kill -9: the agent is gone at once; nothing it had in flight completes.
  void kill_agent();
  // The plug is pulled: the agent dies and whatever it did not fsync is lost.
  void power_loss();
  void run_for(Duration duration) { executor_.run_for(duration); }
  // The device's capabilities file gets another serialNumber (written and fsynced, as an operator's
  // tool would); the times of the changes are kept for the expectations.
  void change_capabilities(const std::string& serial_number);
  const std::vector<MonoTime>& capability_changes() const { return capability_changes_; }
  // Writes a line of the simulation's own into the timeline ("WFM down").
  void note(std::string component, std::string message, std::vector<LogField> fields = {});

  VirtualExecutor& executor() { return executor_; }
  SimNetwork& network() { return network_; }
  MemoryFileSystem& filesystem() { return filesystem_; }
  fake::FakeWfm& wfm() { return wfm_; }
  // The device's container engine and cluster: they outlive agent kills and power losses.
  fake::FakeRuntime& compose() { return compose_; }
  fake::FakeRuntime& helm() { return helm_; }
  const RecordingLogSink& log() const { return log_; }
  // The running agent; null when none runs.
  Agent* agent();
  // Set when the agent stopped itself (onboarding refused, state damaged).
  const std::optional<Error>& fatal_error() const { return fatal_error_; }
  std::size_t agent_starts() const { return agent_starts_; }

 private:
  std::vector<WorkloadRuntime*> configured_runtimes();
  struct AgentProcess;

  HttpResponse serve(const HttpRequest& request);

  DeviceWorldOptions options_;
  std::vector<MonoTime> capability_changes_;
  VirtualExecutor executor_;
  SeededRandom random_;
  SimNetwork network_;
  MemoryFileSystem filesystem_;
  RecordingLogSink log_;
  fake::FakeWfm wfm_;
  fake::FakeRuntime compose_;
  fake::FakeRuntime helm_;
  std::unique_ptr<AgentProcess> process_;
  std::optional<Error> fatal_error_;
  std::size_t agent_starts_ = 0;
};

}  // namespace margo::sim
