#pragma once
// One integration-test world on disk: development keys (made by ci/gen-dev-keys.sh), margo-wfm serving
// HTTPS on a free port of 127.0.0.1, and margo-agent config files pointing at it.

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.hpp"

namespace margo::test {

// Polls `condition` every 50 ms until it holds or the timeout passes; returns whether it held.
bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

class AgentFixture {
 public:
  AgentFixture();
  ~AgentFixture();

  const std::string& directory() const { return directory_; }
  std::string keys(const std::string& name) const { return directory_ + "/keys/" + name; }

  // Starts margo-wfm serve over TLS with the development server certificate; returns its port.
  int start_wfm(const std::vector<std::string>& extra_arguments = {});
  // Starts margo-wfm serve over plain HTTP (no TLS at all); the admin calls follow.
  int start_plain_http_wfm();
  void stop_wfm();
  int wfm_port() const { return wfm_port_; }

  // Writes an agent config; `overrides` replace the values of the template's placeholders:
  // SBI_URL, CERT, KEY, CA, ALGO, INTERVAL, DATA, SIGNER_ENABLED.
  std::string write_config(const std::string& name, const std::map<std::string, std::string>& overrides = {});
  std::unique_ptr<ChildProcess> start_agent(const std::string& config, const std::string& log_name = "agent");
  // margo-agent with exactly these arguments (none: it finds its config itself), as `setup` says.
  std::unique_ptr<ChildProcess> start_agent_with(const std::vector<std::string>& arguments,
                                                 const ChildSetup& setup, const std::string& log_name);
  // Runs margo-agent with these arguments to completion; returns {exit code, stdout + stderr}.
  std::pair<int, std::string> run_agent_command(const std::vector<std::string>& arguments,
                                                const ChildSetup& setup = {});

  // GET an admin endpoint of the fake WFM (/_fake/...), parsed.
  nlohmann::json admin_get(const std::string& path);
  void admin_post(const std::string& path, const nlohmann::json& body);
  std::size_t count_exchanges(const std::string& route, std::optional<int> status = std::nullopt);

 private:
  int launch_wfm(const std::vector<std::string>& arguments, const std::string& marker);

  std::string directory_;
  std::unique_ptr<ChildProcess> wfm_;
  int wfm_port_ = 0;
  bool wfm_plain_http_ = false;
  int run_counter_ = 0;
};

}  // namespace margo::test
