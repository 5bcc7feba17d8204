// The files that ship: config/config.yaml with the keys from ci/gen-dev-keys.sh, and the Go client's
// config.yaml that this agent must keep accepting.

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include <catch2/catch.hpp>

#include "tests/unit/app_config/config_test_support.hpp"

using namespace margo;
using namespace margo::test;
using namespace std::chrono_literals;

namespace {

const std::string source_root = MARGO_SOURCE_ROOT;

// Runs ci/gen-dev-keys.sh into `dir`; returns its exit status.
int generate_dev_keys(const std::string& dir) {
  const std::string command = "bash '" + source_root + "/ci/gen-dev-keys.sh' '" + dir + "' >/dev/null 2>&1";
  return std::system(command.c_str());
}

unsigned permission_bits(const std::string& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 0777;
}

}  // namespace

TEST_CASE("ci/gen-dev-keys.sh makes the dev keys with private modes, and keeps them on a second run") {
  TempDir dir;
  const std::string keys = dir.path() + "/dev-keys";
  REQUIRE(generate_dev_keys(keys) == 0);
  for (const char* name : {"ca", "wfm-server", "device-ecdsa", "device-rsa"}) {
    INFO(name);
    const std::string key = keys + "/" + name + ".key";
    CHECK(read_file(key).rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);  // PKCS#8, unencrypted
    CHECK(permission_bits(key) == 0600);
    CHECK(permission_bits(keys + "/" + name + ".crt") == 0644);
  }
  const std::string first_ca = read_file(keys + "/ca.crt");
  REQUIRE(generate_dev_keys(keys) == 0);
  CHECK(read_file(keys + "/ca.crt") == first_ca);
}

TEST_CASE("the shipped config/config.yaml loads without problems or warnings") {
  TempDir dir;
  REQUIRE(generate_dev_keys(dir.path() + "/config/dev-keys") == 0);
  dir.write("config/capabilities.json", read_file(source_root + "/config/capabilities.json"));
  const std::string shipped = read_file(source_root + "/config/config.yaml");

  const ConfigLoad load =
      parse_config_with(shipped, ConfigParseOptions{"config/config.yaml", dir.path(), true, "/unused"});

  INFO(describe(load));
  REQUIRE(load.config);
  CHECK(load.problems.empty());
  CHECK(load.warnings.empty());
  const AgentConfig& config = *load.config;
  CHECK(config.logging.level == LogLevel::info);
  CHECK(config.data_dir == dir.path() + "/var/margo-agent");
  CHECK(config.identity.type == IdentityType::pki);
  CHECK(config.identity.certificate_path == dir.path() + "/config/dev-keys/device-ecdsa.crt");
  CHECK(config.wfm.sbi_url == "https://127.0.0.1:8443");
  CHECK(config.wfm.request_signer.enabled);
  CHECK(config.wfm.request_signer.algorithm == SignatureAlgorithmSetting::ecdsa_by_key_curve);
  CHECK(config.wfm.request_signer.key_path == dir.path() + "/config/dev-keys/device-ecdsa.key");
  CHECK_FALSE(config.wfm.auth_helper.enabled);
  CHECK(config.wfm.tls_helper.ca_path == dir.path() + "/config/dev-keys/ca.crt");
  CHECK(config.state_seeking_interval == 15s);
  REQUIRE(config.runtimes.size() == 1);
  CHECK(config.runtimes[0].type == RuntimeType::docker);
  CHECK(config.runtimes[0].docker.url == "unix:///var/run/docker.sock");
  CHECK(config.capabilities.manifest["kind"] == "DeviceCapabilitiesManifest");
  CHECK(config.capabilities.manifest["properties"]["resources"]["cpu"]["architecture"] == "amd64");
}

TEST_CASE("load_config_file resolves the shipped config's relative paths against the working directory") {
  TempDir dir;
  REQUIRE(generate_dev_keys(dir.path() + "/config/dev-keys") == 0);
  dir.write("config/capabilities.json", read_file(source_root + "/config/capabilities.json"));
  const WorkingDirectory inside(dir.path());

  const ConfigLoad load = load_config_file(source_root + "/config/config.yaml");

  INFO(describe(load));
  REQUIRE(load.config);
  CHECK(load.config->source_file == source_root + "/config/config.yaml");
  CHECK(load.config->capabilities.path == dir.path() + "/config/capabilities.json");
  CHECK(load.config->data_dir == dir.path() + "/var/margo-agent");
}

TEST_CASE("config/go-client-example.yaml, the Go client's README example, loads with the default data dir") {
  TempDir dir;
  REQUIRE(generate_dev_keys(dir.path() + "/config/dev-keys") == 0);
  dir.write("config/capabilities.json", read_file(source_root + "/config/capabilities.json"));
  const std::string example = read_file(source_root + "/config/go-client-example.yaml");

  const ConfigLoad load = parse_config_with(
      example, ConfigParseOptions{"config/go-client-example.yaml", dir.path(), true, "/var/lib/margo-agent"});

  INFO(describe(load));
  REQUIRE(load.config);
  const AgentConfig& config = *load.config;
  CHECK(config.data_dir == "/var/lib/margo-agent");
  CHECK(config.data_dir_is_default);
  CHECK(config.logging.level == LogLevel::debug);
  CHECK(config.wfm.request_signer.algorithm == SignatureAlgorithmSetting::rsa_v1_5_sha256);
  CHECK(config.wfm.request_signer.key_path == dir.path() + "/config/dev-keys/device-rsa.key");
  CHECK(config.wfm.tls_helper.ca_path == dir.path() + "/config/dev-keys/ca.crt");
  REQUIRE(config.runtimes.size() == 2);
  CHECK(config.runtimes[0].type == RuntimeType::kubernetes);
  CHECK(config.runtimes[1].type == RuntimeType::docker);
  for (const auto& warning : load.warnings) CHECK(warning.key == "runtimes[0].kubernetes.kubeconfigPath");
}

TEST_CASE("the Go client's config.yaml loads unchanged") {
  TempDir dir;
  dir.write("config/device-public.crt",
            "-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n");
  dir.write("config/device-private.key",
            "-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----\n", 0600);
  dir.write("config/ca-cert.pem", "-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n");
  dir.write("config/capabilities.json", read_file(source_root + "/config/capabilities.json"));
  const std::string old_config = read_file(source_root + "/tests/data/config/go-client-config.yaml");

  const ConfigLoad load =
      parse_config_with(old_config, ConfigParseOptions{"config.yaml", dir.path(), true, "/unused"});

  INFO(describe(load));
  REQUIRE(load.config);
  const AgentConfig& config = *load.config;
  CHECK(config.logging.level == LogLevel::debug);
  CHECK(config.logging.format == LogFormat::logfmt);
  CHECK(config.data_dir == "/var/lib/margo/device-agent/data");
  CHECK(config.identity.certificate_path == dir.path() + "/config/device-public.crt");
  CHECK(config.wfm.sbi_url == "https://symphony.machine:8082/v1alpha2/margo");
  CHECK(config.wfm.request_signer.algorithm == SignatureAlgorithmSetting::rsa_v1_5_sha256);
  CHECK(config.wfm.request_signer.format == SignatureFormat::structured);
  CHECK(config.wfm.request_signer.key_path == dir.path() + "/config/device-private.key");
  CHECK_FALSE(config.wfm.auth_helper.enabled);
  CHECK(config.wfm.tls_helper.ca_path == dir.path() + "/config/ca-cert.pem");
  CHECK(config.state_seeking_interval == 15s);
  REQUIRE(config.runtimes.size() == 1);
  CHECK(config.runtimes[0].type == RuntimeType::kubernetes);
  CHECK(config.runtimes[0].kubernetes.kubeconfig_path == "/root/.kube/config");
  if (!std::filesystem::exists("/root/.kube/config")) {
    CHECK(has_warning(load, "runtimes[0].kubernetes.kubeconfigPath", "kubeconfig not found"));
  }
}
