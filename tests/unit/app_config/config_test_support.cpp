#include "tests/unit/app_config/config_test_support.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <catch2/catch.hpp>

namespace margo::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "margo-config-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& relative, std::string_view content, unsigned mode) const {
  const fs::path file = fs::path(path_) / relative;
  fs::create_directories(file.parent_path());
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
  }
  fs::permissions(file, static_cast<fs::perms>(mode), fs::perm_options::replace);
  return file.string();
}

WorkingDirectory::WorkingDirectory(const std::string& path) : previous_(fs::current_path().string()) {
  fs::current_path(path);
}

WorkingDirectory::~WorkingDirectory() {
  std::error_code ignored;
  fs::current_path(previous_, ignored);
}

ConfigFixture::ConfigFixture() {
  dir_.write("device.crt", "-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n");
  dir_.write("device.key", "-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----\n", 0600);
  dir_.write("ca.crt", "-----BEGIN CERTIFICATE-----\nplaceholder\n-----END CERTIFICATE-----\n");
  dir_.write("capabilities.json",
             R"({"apiVersion": "device.margo.org/v1alpha1", "kind": "DeviceCapabilitiesManifest"})");
}

ConfigLoad ConfigFixture::load(std::string_view yaml, bool readable_by_others) const {
  return parse_config_with(yaml, ConfigParseOptions{"config.yaml", dir_.path(), readable_by_others,
                                                    dir_.path() + "/default-data"});
}

std::string valid_config() {
  return R"(logging:
  level: INFO
database:
  dataDir: ./data
deviceRootIdentity:
  identityType: PKI
  attestation:
    pki:
      pubCertPath: ./device.crt
wfm:
  sbiUrl: https://wfm.example.com:8443/margo
  clientPlugins:
    requestSigner:
      enabled: true
      hashAlgo: sha256
      signatureAlgo: ecdsa
      signatureFormat: structured
      keyRef:
        path: ./device.key
    authHelper:
      enabled: false
    tlsHelper:
      enabled: true
      caKeyRef:
        path: ./ca.crt
stateSeeking:
  interval: 15
runtimes:
  - type: DOCKER
    docker:
      url: unix:///var/run/docker.sock
capabilities:
  readFromFile: ./capabilities.json
)";
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  REQUIRE(text.find(from, at + 1) == std::string::npos);
  text.replace(at, from.size(), to);
  return text;
}

std::string describe(const ConfigLoad& load) {
  std::string text = load.config ? "config loaded\n" : "no config\n";
  for (const auto& problem : load.problems) text += "problem: " + problem.to_string() + "\n";
  for (const auto& warning : load.warnings) text += "warning: " + warning.to_string() + "\n";
  return text;
}

namespace {

bool contains(const std::vector<ConfigProblem>& list, std::string_view key, std::string_view reason_part) {
  for (const auto& problem : list) {
    if (problem.key == key && problem.reason.find(reason_part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

bool has_problem(const ConfigLoad& load, std::string_view key, std::string_view reason_part) {
  return contains(load.problems, key, reason_part);
}

bool has_warning(const ConfigLoad& load, std::string_view key, std::string_view reason_part) {
  return contains(load.warnings, key, reason_part);
}

ConfigProblem problem_at(const ConfigLoad& load, std::string_view key) {
  for (const auto& problem : load.problems) {
    if (problem.key == key) return problem;
  }
  FAIL("no problem at key '" << key << "' in:\n" << describe(load));
  return {};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace margo::test
