#pragma once
// The agent's configuration as loaded from config.yaml: plain values, already validated, every path
// absolute. The key each member comes from is named beside it.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/core/communication_windows.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/log_sink.hpp"

namespace margo {

// A value that must never be printed: no stream operator, and to_string(AgentConfig) redacts it.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

enum class IdentityType { pki, random };

// RFC 9421 algorithm names. `ecdsa_by_key_curve` ("ecdsa" in the file) is settled once the key is read:
// P-256 gives ecdsa-p256-sha256, P-384 gives ecdsa-p384-sha384.
enum class SignatureAlgorithmSetting {
  rsa_v1_5_sha256,
  rsa_pss_sha512,
  ecdsa_p256_sha256,
  ecdsa_p384_sha384,
  ecdsa_by_key_curve
};

// Both formats produce RFC 9421 Signature/Signature-Input with an RFC 9530 Content-Digest; the value is
// kept for the signer to decide on details.
enum class SignatureFormat { structured, http_signature };

enum class RuntimeType { kubernetes, docker };

struct LoggingConfig {
  LogLevel level = LogLevel::info;       // logging.level
  LogFormat format = LogFormat::logfmt;  // logging.format
};

struct DeviceIdentityConfig {
  IdentityType type = IdentityType::pki;  // deviceRootIdentity.identityType
  std::string certificate_path;           // attestation.pki.pubCertPath (PKI only)
  std::string random_common_name;         // attestation.random.value (RANDOM only; may be empty)
};

struct RequestSignerConfig {
  bool enabled = true;
  std::string hash_algorithm = "sha256";
  SignatureAlgorithmSetting algorithm = SignatureAlgorithmSetting::ecdsa_by_key_curve;
  SignatureFormat format = SignatureFormat::structured;
  // keyRef.path. PKI: an existing private key. RANDOM: where the generated key is kept (may not exist yet).
  std::string key_path;
};

struct AuthHelperConfig {
  bool enabled = false;
  std::string token_url;
  std::string client_id;
  Secret client_secret;            // inline clientSecret, or the content of clientSecretRef.path
  std::string client_secret_path;  // clientSecretRef.path; empty when the secret was inline
  std::string scope;               // empty: none requested
};

enum class TlsMinimum { tls1_2, tls1_3 };

struct TlsHelperConfig {
  bool enabled = true;
  std::string ca_path;         // caKeyRef.path; empty when disabled (the system trust store is used)
  bool fetch_root_ca = false;  // fetchRootCa
  TlsMinimum min_version = TlsMinimum::tls1_3;  // minVersion (new): "1.3" (default) or "1.2"
};

struct WfmTimeoutsConfig {                      // timeouts (new)
  Duration connect = std::chrono::seconds(10);  // connect: TCP connect and TLS handshake
  Duration read = std::chrono::seconds(30);     // read: longest silence while a response is due
};

struct WfmConfig {
  std::string sbi_url;  // https://host[:port][/prefix] (or http:// with tlsHelper off), no trailing slash
  RequestSignerConfig request_signer;
  AuthHelperConfig auth_helper;
  TlsHelperConfig tls_helper;
  WfmTimeoutsConfig timeouts;
  bool plain_http() const { return sbi_url.starts_with("http://"); }
};

struct KubernetesRuntimeConfig {
  std::string kubeconfig_path;
  std::string helm_path = "helm";  // helmPath (new): a path, or a name looked up in PATH
};

struct DockerTlsConfig {
  std::string ca_cert_path;  // empty: not set
  std::string cert_path;
  std::string key_path;
};

struct DockerRuntimeConfig {
  std::string url;  // unix:///path, tcp://host:port or https://host:port
  bool tls_skip_verification = false;
  DockerTlsConfig tls;
  bool remove_volumes = false;  // removeVolumes (new): removal also deletes the project's named volumes
};

struct RuntimeConfig {
  RuntimeType type = RuntimeType::docker;
  KubernetesRuntimeConfig kubernetes;  // set when type is kubernetes
  DockerRuntimeConfig docker;          // set when type is docker
};

struct MonitoringConfig {                              // monitoring (new)
  Duration interval = std::chrono::seconds(30);        // interval; 0 switches monitoring off
  Duration redeploy_delay = std::chrono::seconds(30);  // redeployDelay: first wait before re-deploying drift
  Duration max_redeploy_delay = std::chrono::minutes(30);  // maxRedeployDelay
};

struct CommunicationConfig {                 // stateSeeking.pollingHours, .downtime, .timeZone (new)
  std::optional<DailyWindow> polling_hours;  // polls and reports only inside; none: any time
  std::vector<DailyWindow> downtimes;        // no WFM traffic at all inside
  bool utc = false;                          // timeZone: UTC; default: the device's local time
};

struct DeploymentsConfig {                              // deployments (new)
  Duration max_retry_delay = std::chrono::minutes(15);  // maxRetryDelay: longest wait between two attempts
};

struct CapabilitiesConfig {
  std::string path;         // capabilities.readFromFile
  nlohmann::json manifest;  // its content, a JSON object
};

struct AgentConfig {
  std::string source_file;  // the config file this came from, as given
  LoggingConfig logging;
  std::string data_dir;              // database.dataDir
  bool data_dir_is_default = false;  // the file names none: the default of data_directory.hpp
  DeviceIdentityConfig identity;
  WfmConfig wfm;
  Duration state_seeking_interval = std::chrono::seconds(15);  // stateSeeking.interval
  CommunicationConfig communication;
  std::vector<RuntimeConfig> runtimes;
  MonitoringConfig monitoring;
  DeploymentsConfig deployments;
  CapabilitiesConfig capabilities;
};

std::string_view to_string(LogFormat format);
std::string_view to_string(IdentityType type);
// The RFC 9421 name, or "ecdsa" while the curve is not known.
std::string_view to_string(SignatureAlgorithmSetting algorithm);
std::string_view to_string(SignatureFormat format);
std::string_view to_string(RuntimeType type);

// A readable, multi-line summary for logs and `--check-config`; secrets show as "<redacted>".
std::string to_string(const AgentConfig& config);

}  // namespace margo
