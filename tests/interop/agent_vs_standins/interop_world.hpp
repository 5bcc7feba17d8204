#pragma once
// One interop run on disk: development keys (ci/gen-dev-keys.sh, and tests/interop/make-chain.sh for
// the intermediate-CA case), a fake-helm cluster holding the stand-ins' chart, one WFM stand-in (Go,
// Node.js or Python) serving HTTPS on a free port of 127.0.0.1, and margo-agent pointed at it.
// The directory is removed afterwards unless MARGO_INTEROP_KEEP=1.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "interop_logs.hpp"
#include "tests/integration/agent_process/child_process.hpp"

namespace margo::interop {

enum class StandIn { go, node, python };
std::string name_of(StandIn stand_in);

struct StandInSettings {
  std::vector<std::string> knobs;   // framing and TLS flags: --304-length zero, --gzip, ...
  bool intermediate_chain = false;  // serve a leaf + intermediate chain under a root the agent trusts
};

struct AgentSettings {
  std::chrono::milliseconds interval{200};  // stateSeeking.interval
  std::string identity = "device-ecdsa";    // device-ecdsa or device-rsa (keys from gen-dev-keys.sh)
  std::string algorithm = "ecdsa";          // ecdsa, rsa or rsa-pss
  // wfm.timeouts.connect / .read: written only when set, so a case that needs none runs on an agent
  // that does not know these keys yet.
  std::optional<std::string> connect_timeout;
  std::optional<std::string> read_timeout;
  std::optional<std::string> min_tls_version;  // wfm.clientPlugins.tlsHelper.minVersion
};

class InteropWorld {
 public:
  explicit InteropWorld(StandIn stand_in);
  ~InteropWorld();
  InteropWorld(const InteropWorld&) = delete;
  InteropWorld& operator=(const InteropWorld&) = delete;

  StandIn stand_in() const { return stand_in_; }
  const std::string& directory() const { return directory_; }
  static bool keeps_directory();  // MARGO_INTEROP_KEEP=1

  void start_stand_in(const StandInSettings& settings);
  void start_agent(const AgentSettings& settings);
  bool agent_running() { return agent_ && agent_->running(); }
  // SIGTERM, then waits; the exit code, or -1 when it had to be killed.
  int stop_agent(std::chrono::seconds grace = std::chrono::seconds(20));
  void stop_stand_in();

  ServerLog server_log() const { return read_server_log(server_log_path()); }
  std::string agent_log() const;  // the agent's stderr
  std::string stand_in_stderr() const;

 private:
  std::string server_log_path() const { return directory_ + "/requests.jsonl"; }
  std::vector<std::string> stand_in_command() const;

  StandIn stand_in_;
  std::string directory_;
  std::unique_ptr<test::ChildProcess> server_;
  std::unique_ptr<test::ChildProcess> agent_;
  int port_ = 0;
  bool chain_ = false;
};

}  // namespace margo::interop
