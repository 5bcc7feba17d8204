#pragma once
// One integration-test world on disk: development keys (made by ci/gen-dev-keys.sh), margo-wfm serving
// HTTPS on a free port of 127.0.0.1, and margo-agent config files pointing at it.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "child_process.hpp"

namespace margo::test {

class AgentFixture {
 public:
  AgentFixture();
  ~AgentFixture();

  const std::string& directory() const { return directory_; }
  std::string keys(const std::string& name) const { return directory_ + "/keys/" + name; }

  // Starts margo-wfm serve over TLS with the development server certificate; returns its port.
  int start_wfm(const std::vector<std::string>& extra_arguments = {});
  void stop_wfm();
  int wfm_port() const { return wfm_port_; }

  // Writes an agent config; `overrides` replace the values of the template's placeholders:
  // SBI_URL, CERT, KEY, CA, ALGO, INTERVAL, DATA, SIGNER_ENABLED.
  std::string write_config(const std::string& name, const std::map<std::string, std::string>& overrides = {});
  std::unique_ptr<ChildProcess> start_agent(const std::string& config, const std::string& log_name = "agent");
  // Runs margo-agent with these arguments to completion; returns {exit code, stdout + stderr}.
  std::pair<int, std::string> run_agent_command(const std::vector<std::string>& arguments);

  // GET an admin endpoint of the fake WFM (/_fake/...), parsed.
  nlohmann::json admin_get(const std::string& path);
  void admin_post(const std::string& path, const nlohmann::json& body);
  std::size_t count_exchanges(const std::string& route, std::optional<int> status = std::nullopt);

 private:
  std::string directory_;
  std::unique_ptr<ChildProcess> wfm_;
  int wfm_port_ = 0;
  int run_counter_ = 0;
};

}  // namespace margo::test
