#include "sim/device_world.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "agent/core/paths.hpp"
#include "agent/wfm/certificate.hpp"
#include "agent/wfm/rfc9421_signer.hpp"
#include "agent/wfm/signing_key.hpp"
#include "agent/wfm/wfm_client.hpp"
#include "sim/sim_identity.hpp"

namespace margo::sim {
namespace {

constexpr std::string_view kCapabilities = R"({
  "apiVersion": "device.margo.org/v1alpha1",
  "kind": "DeviceCapabilitiesManifest",
  "properties": {
    "id": "sim-device-1",
    "vendor": "Margo Simulator",
    "modelNumber": "SIM-1",
    "serialNumber": "0001",
    "roles": ["Standalone Device"],
    "resources": {
      "cpu": {"cores": 2, "architecture": "amd64"},
      "memory": "2Gi",
      "storage": "16Gi",
      "peripherals": [],
      "interfaces": [{"type": "ethernet"}]
    }
  }
}
)";

// Setting up the world cannot fail unless the simulator itself is broken: say so loudly.
template <typename T>
T must(Result<T> result, std::string_view what) {
  if (!result) throw std::logic_error(std::string(what) + ": " + result.error().message);
  return std::move(result).value();
}

void must(const Status& status, std::string_view what) {
  if (!status) throw std::logic_error(std::string(what) + ": " + status.error().message);
}

}  // namespace

// Everything that lives in the agent's process: dropped whole on a kill.
struct DeviceWorld::AgentProcess {
  std::unique_ptr<Rfc9421Signer> signer;
  std::unique_ptr<WfmClient> wfm;
  std::unique_ptr<Agent> agent;
};

DeviceWorld::DeviceWorld(DeviceWorldOptions options)
    : options_(std::move(options)),
      random_(options_.seed),
      network_(executor_, random_),
      filesystem_(executor_),
      wfm_(executor_, options_.wfm),
      compose_(executor_, "compose", options_.runtime),
      helm_(executor_, "helm", options_.runtime) {
  network_.set_default_link(options_.link);
  for (auto* runtime : {&compose_, &helm_}) {
    runtime->set_observer([this, type = runtime->profile_type()](const fake::RuntimeOperation& operation) {
      note(type, operation.operation + " " + operation.runtime_name + " -> " + operation.outcome);
    });
  }
  must(network_.add_host(kWfmUrl, [this](const HttpRequest& request) { return serve(request); }), "WFM host");
  const std::string capabilities(kCapabilitiesPath);
  must(filesystem_.create_directories(parent_directory(capabilities), 0755), "capabilities directory");
  must(filesystem_.write_file(capabilities, std::string(kCapabilities), 0644), "capabilities file");
  must(filesystem_.fsync_file(capabilities), "capabilities file");
  must(filesystem_.fsync_directory(parent_directory(capabilities)), "capabilities directory");
}

DeviceWorld::~DeviceWorld() = default;

void DeviceWorld::change_capabilities(const std::string& serial_number) {
  std::string content(kCapabilities);
  const std::string field = "\"serialNumber\": \"0001\"";
  content.replace(content.find(field), field.size(),
                  "\"serialNumber\": " + nlohmann::json(serial_number).dump());
  const std::string path(kCapabilitiesPath);
  must(filesystem_.write_file(path, content, 0644), "capabilities file");
  must(filesystem_.fsync_file(path), "capabilities file");
  capability_changes_.push_back(executor_.now());
}

Agent* DeviceWorld::agent() {
  return process_ ? process_->agent.get() : nullptr;
}

HttpResponse DeviceWorld::serve(const HttpRequest& request) {
  HttpResponse response;
  if (options_.broken_drop_if_none_match && request.headers.has("If-None-Match")) {
    HttpRequest without = request;
    without.headers.remove("If-None-Match");
    response = wfm_.handle(without);
  } else {
    response = wfm_.handle(request);
  }
  const auto& exchange = wfm_.exchanges().back();
  std::vector<LogField> fields = {{"digest", exchange.digest_outcome},
                                  {"signature", exchange.signature_outcome}};
  if (const auto retry_after = response.headers.get("Retry-After"))
    fields.push_back({"retryAfter", *retry_after});
  note("wfm", exchange.method + " " + exchange.path + " -> " + std::to_string(response.status),
       std::move(fields));
  return response;
}

void DeviceWorld::note(std::string component, std::string message, std::vector<LogField> fields) {
  LogRecord record;
  record.level = LogLevel::info;
  record.wall_time = executor_.wall_now();
  record.mono_time = executor_.now();
  record.component = std::move(component);
  record.message = std::move(message);
  record.fields = std::move(fields);
  log_.write(record);
}

void DeviceWorld::start_agent() {
  kill_agent();
  ++agent_starts_;
  const Logger logger(log_, executor_, options_.log_level, "sim");
  auto process = std::make_unique<AgentProcess>();
  const auto key = must(SigningKey::from_pem(kSimDeviceKeyPem, "sim device key"), "sim identity");
  const auto certificate =
      must(Certificate::from_pem(kSimDeviceCertificatePem, "sim device certificate"), "sim identity");
  if (options_.sign_requests) {
    process->signer = std::make_unique<Rfc9421Signer>(key, SignatureAlgorithm::ecdsa_p256_sha256);
  }
  WfmClientOptions wfm_options;
  wfm_options.sbi_url = std::string(kWfmUrl);
  wfm_options.certificate_der = certificate.der();
  wfm_options.onboarding_key_id = key.key_id();
  process->wfm = must(WfmClient::create(executor_, network_, wfm_options, process->signer.get(), nullptr,
                                        logger.named("wfm-client")),
                      "WFM client");

  AgentSettings settings;
  settings.data_directory = std::string(kDataDirectory);
  settings.capabilities_path = std::string(kCapabilitiesPath);
  settings.polling.interval = options_.poll_interval;
  settings.reconcile = options_.reconcile;
  settings.monitor = options_.monitor;
  settings.communication = options_.communication;
  process->agent = std::make_unique<Agent>(AgentPorts{executor_, random_, filesystem_, *process->wfm,
                                                      configured_runtimes(), log_, options_.log_level},
                                           settings);
  process_ = std::move(process);
  process_->agent->start([this](const Error& error) { fatal_error_ = error; });
}

std::vector<WorkloadRuntime*> DeviceWorld::configured_runtimes() {
  std::vector<WorkloadRuntime*> runtimes;
  for (const std::string& type : options_.runtimes) runtimes.push_back(type == "helm" ? &helm_ : &compose_);
  return runtimes;
}

void DeviceWorld::kill_agent() {
  process_.reset();
}

void DeviceWorld::power_loss() {
  kill_agent();
  filesystem_.crash();
}

}  // namespace margo::sim
