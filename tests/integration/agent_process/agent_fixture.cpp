#include "agent_fixture.hpp"

#include <httplib.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <thread>

namespace margo::test {
namespace {

const std::string kBin = MARGO_BINARY_DIR "/bin/";

const char* const kConfigTemplate = R"(logging:
  level: DEBUG
database:
  dataDir: DATA
deviceRootIdentity:
  identityType: PKI
  attestation:
    pki:
      pubCertPath: CERT
wfm:
  sbiUrl: SBI_URL
  clientPlugins:
    requestSigner:
      enabled: SIGNER_ENABLED
      hashAlgo: sha256
      signatureAlgo: ALGO
      signatureFormat: structured
      keyRef:
        path: KEY
    authHelper:
      enabled: false
    tlsHelper:
      enabled: true
      caKeyRef:
        path: CA
stateSeeking:
  interval: INTERVAL
runtimes:
  - type: DOCKER
    docker:
      url: unix:///var/run/docker.sock
capabilities:
  readFromFile: )" MARGO_SOURCE_ROOT R"(/config/capabilities.json
)";

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

}  // namespace

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

AgentFixture::AgentFixture() {
  char pattern[] = "/tmp/margo-integration-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  directory_ = pattern;
  const std::string command = "bash " MARGO_SOURCE_ROOT "/ci/gen-dev-keys.sh " + directory_ + "/keys >" +
                              directory_ + "/gen-keys.log 2>&1";
  if (std::system(command.c_str()) != 0)
    throw std::runtime_error("ci/gen-dev-keys.sh failed: see " + directory_);
}

AgentFixture::~AgentFixture() {
  stop_wfm();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

int AgentFixture::start_wfm(const std::vector<std::string>& extra_arguments) {
  std::vector<std::string> argv = {"--tls-cert", keys("wfm-server.crt"), "--tls-key", keys("wfm-server.key")};
  argv.insert(argv.end(), extra_arguments.begin(), extra_arguments.end());
  return launch_wfm(argv, "listening on https://127.0.0.1:");
}

int AgentFixture::start_plain_http_wfm() {
  wfm_plain_http_ = true;
  return launch_wfm({}, "listening on http://127.0.0.1:");
}

int AgentFixture::launch_wfm(const std::vector<std::string>& arguments, const std::string& marker) {
  std::vector<std::string> argv = {kBin + "margo-wfm", "serve", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  const std::string out = directory_ + "/wfm.out";
  wfm_ = std::make_unique<ChildProcess>(argv, out, directory_ + "/wfm.err");
  if (!wait_for_text(out, marker, std::chrono::seconds(20)))
    throw std::runtime_error("margo-wfm did not start: " + read_text_file(directory_ + "/wfm.err"));
  const std::string text = read_text_file(out);
  wfm_port_ = std::stoi(text.substr(text.find(marker) + marker.size()));
  return wfm_port_;
}

void AgentFixture::stop_wfm() {
  if (!wfm_) return;
  wfm_->signal(SIGTERM);
  wfm_->wait(std::chrono::seconds(10));
  wfm_.reset();
}

std::string AgentFixture::write_config(const std::string& name,
                                       const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> values = {
      {"SBI_URL", "https://127.0.0.1:" + std::to_string(wfm_port_)},
      {"CERT", keys("device-ecdsa.crt")},
      {"KEY", keys("device-ecdsa.key")},
      {"CA", keys("ca.crt")},
      {"ALGO", "ecdsa"},
      {"INTERVAL", "0.2"},
      {"DATA", directory_ + "/data"},
      {"SIGNER_ENABLED", "true"},
  };
  for (const auto& [key, value] : overrides) values[key] = value;
  std::string text = kConfigTemplate;
  // Longest placeholders first, so none is a prefix of another's replacement.
  for (const char* key : {"SIGNER_ENABLED", "SBI_URL", "INTERVAL", "CERT", "DATA", "ALGO", "KEY", "CA"})
    replace_all(text, key, values[key]);
  const std::string path = directory_ + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::unique_ptr<ChildProcess> AgentFixture::start_agent(const std::string& config,
                                                        const std::string& log_name) {
  return std::make_unique<ChildProcess>(std::vector<std::string>{kBin + "margo-agent", "--config", config},
                                        directory_ + "/" + log_name + ".out",
                                        directory_ + "/" + log_name + ".err");
}

std::unique_ptr<ChildProcess> AgentFixture::start_agent_with(const std::vector<std::string>& arguments,
                                                             const ChildSetup& setup,
                                                             const std::string& log_name) {
  std::vector<std::string> argv = {kBin + "margo-agent"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return std::make_unique<ChildProcess>(argv, directory_ + "/" + log_name + ".out",
                                        directory_ + "/" + log_name + ".err", setup);
}

std::pair<int, std::string> AgentFixture::run_agent_command(const std::vector<std::string>& arguments,
                                                            const ChildSetup& setup) {
  std::vector<std::string> argv = {kBin + "margo-agent"};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  const std::string base = directory_ + "/command-" + std::to_string(++run_counter_);
  ChildProcess process(argv, base + ".out", base + ".err", setup);
  const int code = process.wait(std::chrono::seconds(30));
  return {code, read_text_file(base + ".out") + read_text_file(base + ".err")};
}

namespace {

// The fake WFM's admin API, over whichever transport it serves.
httplib::Result admin_call(bool plain_http, int port, const std::string& ca_file,
                           const std::function<httplib::Result(httplib::ClientImpl&)>& call) {
  if (plain_http) {
    httplib::ClientImpl client("127.0.0.1", port);
    return call(client);
  }
  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(ca_file.c_str());
  client.enable_server_certificate_verification(true);
  return call(client);
}

}  // namespace

nlohmann::json AgentFixture::admin_get(const std::string& path) {
  auto response = admin_call(wfm_plain_http_, wfm_port_, keys("ca.crt"),
                             [&](httplib::ClientImpl& client) { return client.Get(path.c_str()); });
  if (!response || response->status != 200) throw std::runtime_error("admin GET " + path + " failed");
  return nlohmann::json::parse(response->body);
}

void AgentFixture::admin_post(const std::string& path, const nlohmann::json& body) {
  auto response = admin_call(wfm_plain_http_, wfm_port_, keys("ca.crt"), [&](httplib::ClientImpl& client) {
    return client.Post(path.c_str(), body.dump(), "application/json");
  });
  if (!response || response->status / 100 != 2) throw std::runtime_error("admin POST " + path + " failed");
}

std::size_t AgentFixture::count_exchanges(const std::string& route, std::optional<int> status) {
  std::size_t count = 0;
  for (const auto& exchange : admin_get("/_fake/exchanges")) {
    if (exchange.value("route", "") != route) continue;
    if (status && exchange.value("status", 0) != *status) continue;
    ++count;
  }
  return count;
}

}  // namespace margo::test
