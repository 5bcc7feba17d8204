// Coming from the Go client: its README's example config.yaml (config/go-client-example.yaml), in a
// directory laid out as its quickstart has it (./config/config.yaml, keys and capabilities beside it),
// run by `margo-agent` with no arguments, over plain HTTP exactly as the Go client documents it and
// over verified HTTPS. The file has no database section: the state goes to the default data
// directory, here systemd's $STATE_DIRECTORY.

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "agent_fixture.hpp"

using namespace margo::test;
using namespace std::chrono_literals;

namespace {

void replace_once(std::string& text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

// The quickstart layout of the Go client: DIR/config/{config.yaml,capabilities.json,dev-keys/}.
// `edit` changes the example the way a user would for this WFM; returns DIR.
std::string device_directory(const AgentFixture& fixture, const std::function<void(std::string&)>& edit) {
  namespace fs = std::filesystem;
  const std::string directory = fixture.directory() + "/device";
  fs::create_directories(directory + "/config");
  fs::copy(fixture.directory() + "/keys", directory + "/config/dev-keys",
           fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  fs::copy_file(MARGO_SOURCE_ROOT "/config/capabilities.json", directory + "/config/capabilities.json",
                fs::copy_options::overwrite_existing);
  std::string config = read_text_file(MARGO_SOURCE_ROOT "/config/go-client-example.yaml");
  edit(config);
  std::ofstream(directory + "/config/config.yaml") << config;
  return directory;
}

unsigned mode_of(const std::string& path) {
  struct stat status {};
  REQUIRE(::stat(path.c_str(), &status) == 0);
  return status.st_mode & 0777;
}

// Runs `margo-agent` with no arguments in `directory` until it onboarded, reported its capabilities
// and polled; returns its log.
std::string run_until_polled(AgentFixture& fixture, const std::string& directory) {
  const ChildSetup setup{directory, {{"STATE_DIRECTORY", directory + "/state"}}};
  auto agent = fixture.start_agent_with({}, setup, "agent");
  const bool polled = wait_until([&] { return fixture.count_exchanges("manifest") >= 1; }, 30s);
  agent->signal(SIGTERM);
  const int code = agent->wait(15s);
  const std::string log = read_text_file(fixture.directory() + "/agent.err");
  INFO(log);
  REQUIRE(polled);
  CHECK(code == 0);
  return log;
}

}  // namespace

TEST_CASE("the Go client's example config runs unchanged but for plain HTTP, and the log warns of it") {
  AgentFixture fixture;
  const int port = fixture.start_plain_http_wfm();
  const std::string directory = device_directory(fixture, [&](std::string& config) {
    replace_once(config, "sbiUrl: https://127.0.0.1:8443",
                 "sbiUrl: http://127.0.0.1:" + std::to_string(port));
    replace_once(config, "    tlsHelper:\n      enabled: true", "    tlsHelper:\n      enabled: false");
  });

  const auto [validate_code, validate_output] =
      fixture.run_agent_command({"validate"}, ChildSetup{directory, {}});
  INFO(validate_output);
  CHECK(validate_code == 0);
  CHECK(validate_output.find("traffic to the WFM is not encrypted") != std::string::npos);

  const std::string log = run_until_polled(fixture, directory);
  INFO(log);
  CHECK(count_of(log, "level=warn") >= 1);
  CHECK(log.find("msg=\"traffic to the WFM is unencrypted: plain HTTP, tlsHelper disabled") !=
        std::string::npos);
  const auto exchanges = fixture.admin_get("/_fake/exchanges");
  REQUIRE(exchanges.size() >= 3);
  CHECK(exchanges[0]["route"] == "onboarding");
  CHECK(exchanges[0]["status"] == 201);
  for (const auto& exchange : exchanges) {
    INFO(exchange.dump());
    CHECK(exchange["signature"] == "verified");  // signing stays on over plain HTTP
  }
  // No database section: the default data directory, made private.
  CHECK(mode_of(directory + "/state") == 0700);
  CHECK(std::filesystem::exists(directory + "/state/agent.lock"));
}

TEST_CASE("the Go client's example config runs over HTTPS with the server certificate verified") {
  AgentFixture fixture;
  const int port = fixture.start_wfm();
  const std::string directory = device_directory(fixture, [&](std::string& config) {
    replace_once(config, "sbiUrl: https://127.0.0.1:8443",
                 "sbiUrl: https://127.0.0.1:" + std::to_string(port));
  });

  const std::string log = run_until_polled(fixture, directory);
  CHECK(log.find("unencrypted") == std::string::npos);
  for (const auto& exchange : fixture.admin_get("/_fake/exchanges")) {
    INFO(exchange.dump());
    CHECK(exchange["signature"] == "verified");
  }

  SECTION("http:// with tlsHelper enabled is refused, and the message names both ways out") {
    std::string config = read_text_file(directory + "/config/config.yaml");
    replace_once(config, "sbiUrl: https://", "sbiUrl: http://");
    std::ofstream(directory + "/config/plain.yaml") << config;
    const auto [code, output] =
        fixture.run_agent_command({"validate", "--config", directory + "/config/plain.yaml"});
    CHECK(code == 2);
    CHECK(output.find("use an https:// URL, or, for development in a trusted network only, set "
                      "wfm.clientPlugins.tlsHelper.enabled: false") != std::string::npos);
  }
}
