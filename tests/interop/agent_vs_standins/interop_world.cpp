// The on-disk world of one interop run: keys, fake-helm cluster, stand-in and agent processes.

#include "interop_world.hpp"

#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "fakes/helm_cli/fake_helm_cluster.hpp"

namespace margo::interop {
namespace {

const std::string kServers = MARGO_SOURCE_ROOT "/tests/interop/servers";
const std::string kBin = MARGO_BINARY_DIR "/bin/";
// The chart that tests/interop/servers/interop-deployment.yaml installs.
const std::string kChart = "oci://registry.test/charts/interop-web";

void run_script(const std::string& command, const std::string& log) {
  if (std::system((command + " >" + log + " 2>&1").c_str()) != 0)
    throw std::runtime_error("'" + command + "' failed: see " + log);
}

void require_file(const std::string& path, const std::string& hint) {
  if (!std::filesystem::exists(path)) throw std::runtime_error(path + " is missing: " + hint);
}

}  // namespace

std::string name_of(StandIn stand_in) {
  switch (stand_in) {
    case StandIn::go:
      return "go";
    case StandIn::node:
      return "node";
    case StandIn::python:
      return "python";
  }
  return "?";
}

InteropWorld::InteropWorld(StandIn stand_in) : stand_in_(stand_in) {
  std::string pattern = "/tmp/margo-interop-" + name_of(stand_in) + "-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  directory_ = pattern;
  run_script("bash " MARGO_SOURCE_ROOT "/ci/gen-dev-keys.sh " + directory_ + "/keys",
             directory_ + "/keys.log");
  std::filesystem::create_directories(directory_ + "/kube");
  auto cluster = fake::FakeHelmCluster::create(directory_ + "/kube/config");
  cluster.add_chart(kChart, {"1.0.0"});
}

InteropWorld::~InteropWorld() {
  if (agent_) stop_agent(std::chrono::seconds(5));
  stop_stand_in();
  if (keeps_directory()) return;
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

bool InteropWorld::keeps_directory() {
  const char* keep = std::getenv("MARGO_INTEROP_KEEP");
  return keep != nullptr && std::string(keep) == "1";
}

std::vector<std::string> InteropWorld::stand_in_command() const {
  const std::string hint = "run ci/interop.sh (and configure the build again for Go)";
  switch (stand_in_) {
    case StandIn::go:
      require_file(INTEROP_GO_BINARY, "build the interop-wfm-go target; " + hint);
      return {INTEROP_GO_BINARY};
    case StandIn::node:
      require_file(INTEROP_NODE, hint);
      return {INTEROP_NODE, kServers + "/node/server.js"};
    case StandIn::python:
      require_file(INTEROP_PYTHON, hint);
      return {INTEROP_PYTHON, kServers + "/python/server.py"};
  }
  return {};
}

void InteropWorld::start_stand_in(const StandInSettings& settings) {
  chain_ = settings.intermediate_chain;
  std::string cert = directory_ + "/keys/wfm-server.crt";
  std::string key = directory_ + "/keys/wfm-server.key";
  if (chain_) {
    run_script("bash " MARGO_SOURCE_ROOT "/tests/interop/make-chain.sh " + directory_ + "/chain",
               directory_ + "/chain.log");
    cert = directory_ + "/chain/chain-server-fullchain.crt";
    key = directory_ + "/chain/chain-server.key";
  }
  std::vector<std::string> argv = stand_in_command();
  for (const std::string& argument :
       {std::string("--listen"), std::string("127.0.0.1:0"), std::string("--deployment"),
        kServers + "/interop-deployment.yaml", std::string("--cert"), cert, std::string("--key"), key,
        std::string("--log"), server_log_path()})
    argv.push_back(argument);
  argv.insert(argv.end(), settings.knobs.begin(), settings.knobs.end());

  const std::string out = directory_ + "/stand-in.out";
  server_ = std::make_unique<test::ChildProcess>(argv, out, directory_ + "/stand-in.err");
  const std::string marker = "LISTENING ";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (test::read_text_file(out).find(marker) == std::string::npos) {
    if (!server_->running() || std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the " + name_of(stand_in_) + " stand-in did not start: " + stand_in_stderr());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::string text = test::read_text_file(out);
  port_ = std::stoi(text.substr(text.find(marker) + marker.size()));
}

void InteropWorld::stop_stand_in() {
  if (!server_) return;
  server_->signal(SIGTERM);
  server_->wait(std::chrono::seconds(10));
  server_.reset();  // kills it if it is still there
}

void InteropWorld::start_agent(const AgentSettings& settings) {
  const std::string keys = directory_ + "/keys/";
  const std::string ca = chain_ ? directory_ + "/chain/chain-root.crt" : keys + "ca.crt";
  std::ostringstream config;
  config << "logging:\n  level: DEBUG\n"
         << "database:\n  dataDir: " << directory_ << "/data\n"
         << "deviceRootIdentity:\n  identityType: PKI\n  attestation:\n    pki:\n"
         << "      pubCertPath: " << keys << settings.identity << ".crt\n"
         << "wfm:\n  sbiUrl: https://127.0.0.1:" << port_ << "\n";
  if (settings.connect_timeout || settings.read_timeout) {
    config << "  timeouts:\n";
    if (settings.connect_timeout) config << "    connect: " << *settings.connect_timeout << "\n";
    if (settings.read_timeout) config << "    read: " << *settings.read_timeout << "\n";
  }
  config << "  clientPlugins:\n"
         << "    requestSigner:\n      enabled: true\n      hashAlgo: sha256\n"
         << "      signatureAlgo: " << settings.algorithm << "\n      signatureFormat: structured\n"
         << "      keyRef:\n        path: " << keys << settings.identity << ".key\n"
         << "    authHelper:\n      enabled: false\n"
         << "    tlsHelper:\n      enabled: true\n      caKeyRef:\n        path: " << ca << "\n";
  if (settings.min_tls_version) config << "      minVersion: \"" << *settings.min_tls_version << "\"\n";
  config << "stateSeeking:\n  interval: " << settings.interval.count() << "ms\n"
         << "runtimes:\n  - type: KUBERNETES\n    kubernetes:\n"
         << "      kubeconfigPath: " << directory_ << "/kube/config\n"
         << "      helmPath: " << kBin << "fake-helm\n"
         << "monitoring:\n  interval: 0\n"  // no inspections: only the WFM exchanges matter here
         << "capabilities:\n  readFromFile: " MARGO_SOURCE_ROOT "/config/capabilities.json\n";
  const std::string path = directory_ + "/agent.yaml";
  std::ofstream(path) << config.str();
  agent_ =
      std::make_unique<test::ChildProcess>(std::vector<std::string>{kBin + "margo-agent", "--config", path},
                                           directory_ + "/agent.out", directory_ + "/agent.err");
}

int InteropWorld::stop_agent(std::chrono::seconds grace) {
  if (!agent_) return -1;
  agent_->signal(SIGTERM);
  const int code = agent_->wait(grace);
  if (code == -1) agent_.reset();  // still running: the destructor kills it
  return code;
}

std::string InteropWorld::agent_log() const {
  return test::read_text_file(directory_ + "/agent.err");
}

std::string InteropWorld::stand_in_stderr() const {
  return test::read_text_file(directory_ + "/stand-in.err");
}

}  // namespace margo::interop
