#include "agent/app/config/agent_config.hpp"

#include <cstdio>

#include <sstream>

namespace margo {

std::string_view to_string(LogFormat format) {
  switch (format) {
    case LogFormat::logfmt:
      return "logfmt";
    case LogFormat::json:
      return "json";
  }
  return "unknown";
}

std::string_view to_string(IdentityType type) {
  switch (type) {
    case IdentityType::pki:
      return "PKI";
    case IdentityType::random:
      return "RANDOM";
  }
  return "unknown";
}

std::string_view to_string(SignatureAlgorithmSetting algorithm) {
  switch (algorithm) {
    case SignatureAlgorithmSetting::rsa_v1_5_sha256:
      return "rsa-v1_5-sha256";
    case SignatureAlgorithmSetting::rsa_pss_sha512:
      return "rsa-pss-sha512";
    case SignatureAlgorithmSetting::ecdsa_p256_sha256:
      return "ecdsa-p256-sha256";
    case SignatureAlgorithmSetting::ecdsa_p384_sha384:
      return "ecdsa-p384-sha384";
    case SignatureAlgorithmSetting::ecdsa_by_key_curve:
      return "ecdsa";
  }
  return "unknown";
}

std::string_view to_string(SignatureFormat format) {
  switch (format) {
    case SignatureFormat::structured:
      return "structured";
    case SignatureFormat::http_signature:
      return "http-signature";
  }
  return "unknown";
}

std::string_view to_string(RuntimeType type) {
  switch (type) {
    case RuntimeType::kubernetes:
      return "KUBERNETES";
    case RuntimeType::docker:
      return "DOCKER";
  }
  return "unknown";
}

namespace {

std::string clock(int minute) {
  char text[24];
  std::snprintf(text, sizeof text, "%02d:%02d", minute / 60, minute % 60);
  return text;
}

std::string describe_window(const std::optional<DailyWindow>& window) {
  return window ? clock(window->start_minute) + "-" + clock(window->end_minute) : "any time";
}

std::string describe_windows(const std::vector<DailyWindow>& windows) {
  std::string text = "[";
  for (const DailyWindow& window : windows) text += (text.size() > 1 ? ", " : "") + describe_window(window);
  return text + "]";
}

const char* yes_no(bool value) {
  return value ? "true" : "false";
}

void write_runtime(std::ostream& out, const RuntimeConfig& runtime) {
  out << "  - type: " << to_string(runtime.type) << "\n";
  if (runtime.type == RuntimeType::kubernetes) {
    out << "    kubeconfigPath: " << runtime.kubernetes.kubeconfig_path << "\n"
        << "    helmPath: " << runtime.kubernetes.helm_path << "\n";
    return;
  }
  const DockerRuntimeConfig& docker = runtime.docker;
  out << "    url: " << docker.url << "\n"
      << "    tlsSkipVerification: " << yes_no(docker.tls_skip_verification) << "\n"
      << "    tls: {cacertPath: " << docker.tls.ca_cert_path << ", certPath: " << docker.tls.cert_path
      << ", keyPath: " << docker.tls.key_path << "}\n"
      << "    removeVolumes: " << yes_no(docker.remove_volumes) << "\n";
}

}  // namespace

std::string to_string(const AgentConfig& config) {
  std::ostringstream out;
  const WfmConfig& wfm = config.wfm;
  const RequestSignerConfig& signer = wfm.request_signer;
  const AuthHelperConfig& auth = wfm.auth_helper;
  out << "source: " << config.source_file << "\n"
      << "logging: {level: " << to_string(config.logging.level)
      << ", format: " << to_string(config.logging.format) << "}\n"
      << "database.dataDir: " << config.data_dir << (config.data_dir_is_default ? " (default)" : "") << "\n"
      << "deviceRootIdentity: {identityType: " << to_string(config.identity.type)
      << ", pubCertPath: " << config.identity.certificate_path
      << ", randomValue: " << config.identity.random_common_name << "}\n"
      << "wfm.sbiUrl: " << wfm.sbi_url << "\n"
      << "requestSigner: {enabled: " << yes_no(signer.enabled) << ", hashAlgo: " << signer.hash_algorithm
      << ", signatureAlgo: " << to_string(signer.algorithm)
      << ", signatureFormat: " << to_string(signer.format) << ", keyRef.path: " << signer.key_path << "}\n"
      << "authHelper: {enabled: " << yes_no(auth.enabled) << ", tokenUrl: " << auth.token_url
      << ", clientId: " << auth.client_id
      << ", clientSecret: " << (auth.client_secret.empty() ? "" : "<redacted>")
      << ", clientSecretRef.path: " << auth.client_secret_path << ", scope: " << auth.scope << "}\n"
      << "tlsHelper: {enabled: " << yes_no(wfm.tls_helper.enabled)
      << ", caKeyRef.path: " << wfm.tls_helper.ca_path
      << ", fetchRootCa: " << yes_no(wfm.tls_helper.fetch_root_ca)
      << ", minVersion: " << (wfm.tls_helper.min_version == TlsMinimum::tls1_2 ? "1.2" : "1.3") << "}\n"
      << "wfm.timeouts: {connect: " << wfm.timeouts.connect.count()
      << "ms, read: " << wfm.timeouts.read.count() << "ms}\n"
      << "stateSeeking.interval: " << config.state_seeking_interval.count() << "ms\n"
      << "stateSeeking.windows: {pollingHours: " << describe_window(config.communication.polling_hours)
      << ", downtime: " << describe_windows(config.communication.downtimes)
      << ", timeZone: " << (config.communication.utc ? "UTC" : "local") << "}\n"
      << "runtimes:\n";
  for (const RuntimeConfig& runtime : config.runtimes) write_runtime(out, runtime);
  out << "monitoring: {interval: " << config.monitoring.interval.count()
      << "ms, redeployDelay: " << config.monitoring.redeploy_delay.count()
      << "ms, maxRedeployDelay: " << config.monitoring.max_redeploy_delay.count() << "ms}\n";
  out << "deployments.maxRetryDelay: " << config.deployments.max_retry_delay.count() << "ms\n";
  out << "capabilities.readFromFile: " << config.capabilities.path << "\n";
  return out.str();
}

}  // namespace margo
