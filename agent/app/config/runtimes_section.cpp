// The section runtimes: a list of KUBERNETES and DOCKER entries, at most one of each type.

#include <algorithm>

#include "agent/app/config/config_sections.hpp"
#include "agent/app/config/file_checks.hpp"
#include "agent/app/config/value_parsers.hpp"

namespace margo {
namespace {

std::string_view settings_key(RuntimeType type) {
  return type == RuntimeType::kubernetes ? "kubernetes" : "docker";
}

void read_kubernetes(ConfigWalker& walker, const MapFields& entry, KubernetesRuntimeConfig& kubernetes) {
  const auto section = walker.child_map(entry, "kubernetes", {"kubeconfigPath", "helmPath"});
  if (!section) return;
  if (const auto helm = section->find("helmPath")) {
    if (auto value = walker.non_empty_text(*helm)) {
      // A bare name is looked up in PATH when helm runs; anything with a slash is a path.
      if (value->find('/') == std::string::npos) {
        kubernetes.helm_path = *value;
      } else if (auto path = walker.path(*helm)) {
        kubernetes.helm_path = *path;
        if (!path_exists(*path)) walker.sink().warning(*helm, "helm not found (yet): " + *path);
      }
    }
  }
  const auto field = walker.required(*section, "kubeconfigPath");
  if (!field) return;
  const auto path = walker.path(*field);
  if (!path) return;
  kubernetes.kubeconfig_path = *path;
  // Clusters often come up after the agent: a missing kubeconfig is worth a warning, not a refusal.
  if (!path_exists(*path)) walker.sink().warning(*field, "kubeconfig not found (yet): " + *path);
}

// docker.tls.{cacertPath,certPath,keyPath}: each null or an existing file.
void read_docker_tls(ConfigWalker& walker, const MapFields& docker_map, DockerTlsConfig& tls) {
  const auto section = walker.child_map(docker_map, "tls", {"cacertPath", "certPath", "keyPath"});
  if (!section) return;
  const auto read_file = [&](std::string_view key, std::string& out) {
    if (const auto field = section->find(key)) {
      if (auto path = walker.existing_file(*field)) out = *path;
    }
  };
  read_file("cacertPath", tls.ca_cert_path);
  read_file("certPath", tls.cert_path);
  read_file("keyPath", tls.key_path);
}

// The TLS settings must make sense for the URL: a client certificate needs its key, a TLS engine needs
// a CA file (the docker CLI loads one even when it does not verify, and would look in its own home,
// where there is none), and a unix:// socket takes no TLS at all.
void check_docker_tls(ConfigWalker& walker, const MapFields& docker_map, const DockerRuntimeConfig& docker) {
  const DockerTlsConfig& tls = docker.tls;
  const bool files = !tls.ca_cert_path.empty() || !tls.cert_path.empty() || !tls.key_path.empty();
  const auto at = [&](std::string_view key) { return docker_map.find(key); };
  if (docker.url.empty()) return;  // the URL's own problem is reported
  if (docker.url.starts_with("unix://")) {
    if (files || docker.tls_skip_verification)
      walker.sink().warning(*at(files ? "tls" : "tlsSkipVerification"),
                            "ignored: a unix:// socket takes no TLS");
    return;
  }
  const auto tls_section = at("tls");
  if (tls.cert_path.empty() != tls.key_path.empty())
    walker.sink().problem(*tls_section,
                          "certPath and keyPath go together: the client certificate needs its key");
  const bool uses_tls = docker.url.starts_with("https://") || files || docker.tls_skip_verification;
  if (!uses_tls) {
    if (const auto url = at("url"))
      walker.sink().warning(*url, "plain tcp:// is not encrypted: use https:// or docker.tls");
    return;
  }
  if (tls.ca_cert_path.empty()) {
    const auto field = tls_section ? tls_section : at("url");
    walker.sink().problem(*field, docker.tls_skip_verification
                                      ? "tls.cacertPath is needed for a TLS engine: the docker CLI loads it "
                                        "even when it does not verify"
                                      : "tls.cacertPath is needed to verify the engine's certificate");
  }
}

void read_docker(ConfigWalker& walker, const MapFields& entry, DockerRuntimeConfig& docker) {
  const auto section =
      walker.child_map(entry, "docker", {"url", "tlsSkipVerification", "tls", "removeVolumes"});
  if (!section) return;
  if (const auto remove = section->find("removeVolumes")) {
    if (auto value = walker.parsed<bool>(*remove, parse_bool)) docker.remove_volumes = *value;
  }
  if (const auto url = walker.required(*section, "url")) {
    if (auto value = walker.parsed<std::string>(*url, parse_docker_url)) docker.url = *value;
  }
  if (const auto skip = section->find("tlsSkipVerification")) {
    if (auto value = walker.parsed<bool>(*skip, parse_bool)) {
      docker.tls_skip_verification = *value;
      if (*value) walker.sink().warning(*skip, "the Docker engine's TLS certificate is not verified");
    }
  }
  read_docker_tls(walker, *section, docker.tls);
  check_docker_tls(walker, *section, docker);
}

std::optional<RuntimeConfig> read_runtime(ConfigWalker& walker, const Field& item) {
  const auto entry = walker.map(item, {"type", "kubernetes", "docker"});
  if (!entry) return std::nullopt;
  const auto type_field = walker.required(*entry, "type");
  if (!type_field) return std::nullopt;
  const auto type = walker.parsed<RuntimeType>(*type_field, parse_runtime_type);
  if (!type) return std::nullopt;
  RuntimeConfig runtime;
  runtime.type = *type;
  const RuntimeType other = *type == RuntimeType::kubernetes ? RuntimeType::docker : RuntimeType::kubernetes;
  if (const auto mismatched = entry->entry(settings_key(other))) {
    walker.sink().problem(mismatched->key_position, mismatched->path,
                          "does not belong to a runtime of type " + std::string(to_string(*type)));
  }
  if (*type == RuntimeType::kubernetes) {
    read_kubernetes(walker, *entry, runtime.kubernetes);
  } else {
    read_docker(walker, *entry, runtime.docker);
  }
  return runtime;
}

}  // namespace

void read_monitoring(ConfigWalker& walker, const MapFields& root, MonitoringConfig& monitoring) {
  const auto section =
      walker.child_map(root, "monitoring", {"interval", "redeployDelay", "maxRedeployDelay"});
  if (!section) return;
  const auto read = [&](std::string_view key, Duration min, Duration& out) {
    const auto field = section->find(key);
    if (!field) return;
    const auto value = walker.parsed<Duration>(*field, parse_duration);
    if (!value) return;
    if (*value < min || *value > std::chrono::hours(24)) {
      walker.sink().problem(*field, "must be between " + std::to_string(min.count() / 1000) +
                                        "s and 24h, got " + field->node.Scalar());
      return;
    }
    out = *value;
  };
  Duration interval = monitoring.interval;
  if (const auto field = section->find("interval"); field && field->node.Scalar() == "0") {
    monitoring.interval = Duration::zero();
  } else {
    read("interval", std::chrono::seconds(1), interval);
    monitoring.interval = interval;
  }
  read("redeployDelay", std::chrono::seconds(1), monitoring.redeploy_delay);
  read("maxRedeployDelay", std::chrono::seconds(1), monitoring.max_redeploy_delay);
  if (monitoring.max_redeploy_delay < monitoring.redeploy_delay) {
    if (const auto field = section->find("maxRedeployDelay"))
      walker.sink().problem(*field, "must not be shorter than redeployDelay");
  }
}

void read_deployments(ConfigWalker& walker, const MapFields& root, DeploymentsConfig& deployments) {
  const auto section = walker.child_map(root, "deployments", {"maxRetryDelay"});
  if (!section) return;
  const auto field = section->find("maxRetryDelay");
  if (!field) return;
  const auto value = walker.parsed<Duration>(*field, parse_duration);
  if (!value) return;
  if (*value < std::chrono::seconds(10) || *value > std::chrono::hours(24)) {
    walker.sink().problem(*field, "must be between 10s and 24h, got " + field->node.Scalar());
    return;
  }
  deployments.max_retry_delay = *value;
}

void read_runtimes(ConfigWalker& walker, const MapFields& root, std::vector<RuntimeConfig>& runtimes) {
  const auto field = walker.required(root, "runtimes");
  if (!field) return;
  const auto items = walker.sequence(*field);
  if (!items) return;
  if (items->empty()) {
    walker.sink().problem(*field, "at least one runtime is required");
    return;
  }
  std::vector<std::pair<RuntimeType, std::string>> seen;
  for (const Field& item : *items) {
    auto runtime = read_runtime(walker, item);
    if (!runtime) continue;
    const auto first =
        std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == runtime->type; });
    if (first != seen.end()) {
      walker.sink().problem(item, "a second " + std::string(to_string(runtime->type)) +
                                      " runtime (the first is " + first->second + ")");
      continue;
    }
    seen.emplace_back(runtime->type, item.path);
    runtimes.push_back(std::move(*runtime));
  }
}

}  // namespace margo
