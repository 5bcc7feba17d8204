// margo-agent and margo-wfm as real processes over real HTTPS: the agent's RFC 9421 signatures are
// checked by the fake WFM's own verifier on every request.

#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>
#include <functional>
#include <thread>

#include "agent_fixture.hpp"

using namespace margo::test;
using namespace std::chrono_literals;

TEST_CASE("margo-agent onboards and polls margo-wfm over HTTPS; the fake WFM verified every signature") {
  AgentFixture fixture;
  fixture.start_wfm();
  const auto config = fixture.write_config("agent.yaml");
  auto agent = fixture.start_agent(config);

  REQUIRE(wait_until([&] { return fixture.count_exchanges("manifest", 304) >= 10; }, 30s));
  agent->signal(SIGTERM);
  CHECK(agent->wait(15s) == 0);

  const auto exchanges = fixture.admin_get("/_fake/exchanges");
  REQUIRE(exchanges.size() >= 13);
  CHECK(exchanges[0]["route"] == "onboarding");
  CHECK(exchanges[0]["status"] == 201);
  CHECK(exchanges[1]["route"] == "capabilities");
  CHECK(exchanges[1]["method"] == "POST");
  CHECK(exchanges[2]["route"] == "manifest");
  CHECK(exchanges[2]["status"] == 200);
  for (const auto& exchange : exchanges) {
    INFO(exchange.dump());
    CHECK(exchange["signature"] == "verified");
    CHECK(exchange["digest"] == "verified");
  }
  const std::string log = read_text_file(fixture.directory() + "/agent.err");
  CHECK(log.find("onboarded") != std::string::npos);
  CHECK(log.find("margo-agent stopped") != std::string::npos);

  SECTION("the state command shows the persisted clientId and manifest") {
    const auto [code, output] = fixture.run_agent_command({"state", "--config", config});
    CHECK(code == 0);
    CHECK(output.find("\"clientId\"") != std::string::npos);
    CHECK(output.find("\"version\": 1") != std::string::npos);
  }
  SECTION("killed with SIGKILL and started again, it does not onboard a second time") {
    auto again = fixture.start_agent(config, "agent-2");
    const auto polls_before = fixture.count_exchanges("manifest");
    REQUIRE(wait_until([&] { return fixture.count_exchanges("manifest") >= polls_before + 3; }, 30s));
    again->signal(SIGKILL);
    again->wait(5s);
    auto third = fixture.start_agent(config, "agent-3");
    REQUIRE(wait_until([&] { return fixture.count_exchanges("manifest") >= polls_before + 6; }, 30s));
    third->signal(SIGTERM);
    CHECK(third->wait(15s) == 0);
    CHECK(fixture.count_exchanges("onboarding") == 1);
  }
}

TEST_CASE("RSA keys sign with rsa-v1_5-sha256 and rsa-pss-sha512, and both verify") {
  for (const char* algorithm : {"rsa", "rsa-pss"}) {
    INFO(algorithm);
    AgentFixture fixture;
    fixture.start_wfm();
    const auto config = fixture.write_config("agent.yaml", {{"CERT", fixture.keys("device-rsa.crt")},
                                                            {"KEY", fixture.keys("device-rsa.key")},
                                                            {"ALGO", algorithm}});
    auto agent = fixture.start_agent(config);
    REQUIRE(wait_until([&] { return fixture.count_exchanges("manifest", 304) >= 2; }, 30s));
    agent->signal(SIGTERM);
    CHECK(agent->wait(15s) == 0);
    for (const auto& exchange : fixture.admin_get("/_fake/exchanges"))
      CHECK(exchange["signature"] == "verified");
  }
}

TEST_CASE("onboarding refused with 403: one request, a clear message, exit code 3") {
  AgentFixture fixture;
  fixture.start_wfm();
  fixture.admin_post("/_fake/onboarding-policy", {{"policy", "reject_client"}});
  auto agent = fixture.start_agent(fixture.write_config("agent.yaml"));
  CHECK(agent->wait(20s) == 3);
  const std::string log = read_text_file(fixture.directory() + "/agent.err");
  CHECK(log.find("onboarding refused") != std::string::npos);
  CHECK(log.find("an operator must approve it") != std::string::npos);
  CHECK(fixture.count_exchanges("onboarding") == 1);
}

TEST_CASE("an unreachable WFM: the agent keeps running, backs off, and stops cleanly on SIGTERM") {
  AgentFixture fixture;
  const int port = fixture.start_wfm();
  fixture.stop_wfm();  // nothing listens on that port any more
  auto agent = fixture.start_agent(
      fixture.write_config("agent.yaml", {{"SBI_URL", "https://127.0.0.1:" + std::to_string(port)}}));
  const std::string err = fixture.directory() + "/agent.err";
  REQUIRE(wait_for_text(err, "attempt=3", 30s));
  CHECK(agent->running());
  agent->signal(SIGTERM);
  CHECK(agent->wait(15s) == 0);
  const std::string log = read_text_file(err);
  CHECK(log.find("http.connect_failed") != std::string::npos);
  // Backoff, not a tight loop: a few attempts in the seconds it ran.
  std::size_t attempts = 0;
  for (auto at = log.find("onboarding step failed"); at != std::string::npos;
       at = log.find("onboarding step failed", at + 1))
    ++attempts;
  CHECK(attempts < 10);
}

TEST_CASE("a WFM certificate from another CA fails TLS verification; nothing is sent, nothing crashes") {
  AgentFixture fixture;
  AgentFixture other;  // a second, unrelated development CA
  fixture.start_wfm();
  auto agent = fixture.start_agent(fixture.write_config("agent.yaml", {{"CA", other.keys("ca.crt")}}));
  const std::string err = fixture.directory() + "/agent.err";
  REQUIRE(wait_for_text(err, "http.tls_failed", 30s));
  agent->signal(SIGTERM);
  CHECK(agent->wait(15s) == 0);
  CHECK(fixture.admin_get("/_fake/exchanges").empty());
}

TEST_CASE("validate: a good config passes; every problem is named with file, line or key") {
  AgentFixture fixture;
  fixture.start_wfm();
  const auto good = fixture.write_config("good.yaml");
  {
    const auto [code, output] = fixture.run_agent_command({"validate", "--config", good});
    INFO(output);
    CHECK(code == 0);
    CHECK(output.find(": OK") != std::string::npos);
  }
  {
    const auto mismatch = fixture.write_config("mismatch.yaml", {{"KEY", fixture.keys("device-rsa.key")}});
    const auto [code, output] = fixture.run_agent_command({"validate", "-config", mismatch});
    INFO(output);
    CHECK(code == 2);
    CHECK(output.find("does not belong to the certificate") != std::string::npos);
  }
  {
    const auto missing = fixture.write_config("missing.yaml", {{"KEY", fixture.directory() + "/nope.key"}});
    const auto [code, output] = fixture.run_agent_command({"validate", "--config", missing});
    INFO(output);
    CHECK(code == 2);
    CHECK(output.find("nope.key") != std::string::npos);
  }
  {
    const auto wrong_algorithm = fixture.write_config("algo.yaml", {{"ALGO", "rsa"}});
    const auto [code, output] = fixture.run_agent_command({"validate", "--config", wrong_algorithm});
    INFO(output);
    CHECK(code == 2);
    CHECK(output.find("signatureAlgo") != std::string::npos);
  }
  {
    const std::string path = fixture.directory() + "/broken.yaml";
    std::ofstream(path) << "logging:\n  level: LOUD\n  colour: true\nstateSeeking:\n  interval: -1\n";
    const auto [code, output] = fixture.run_agent_command({"validate", "--config", path});
    INFO(output);
    CHECK(code == 2);
    CHECK(output.find("broken.yaml:2:") != std::string::npos);
    CHECK(output.find("broken.yaml:3:") != std::string::npos);
    CHECK(output.find("colour") != std::string::npos);
    // Running with a broken config starts nothing and says why.
    const auto [run_code, run_output] = fixture.run_agent_command({"--config", path});
    CHECK(run_code == 2);
    CHECK(run_output.find("nothing started") != std::string::npos);
  }
}

TEST_CASE(
    "reset-version: refused while the agent runs, then forgets the accepted version; the next one is taken") {
  AgentFixture fixture;
  fixture.start_wfm();
  const auto config = fixture.write_config("agent.yaml");
  auto agent = fixture.start_agent(config);
  REQUIRE(wait_until([&] { return fixture.count_exchanges("manifest", 304) >= 1; }, 30s));
  {
    const auto [code, output] = fixture.run_agent_command({"reset-version", "--config", config});
    INFO(output);
    CHECK(code == 3);
    CHECK(output.find("stop the agent first") != std::string::npos);
  }
  agent->signal(SIGTERM);
  REQUIRE(agent->wait(15s) == 0);

  // The WFM moves on to manifestVersion 5, which the agent accepts; then the WFM's database is reset and
  // it serves version 1 again, which rollback protection refuses until the operator resets the agent.
  fixture.admin_post("/_fake/manifest-version", {{"version", 5}});
  auto second = fixture.start_agent(config, "agent-2");
  REQUIRE(wait_until(
      [&] {
        return read_text_file(fixture.directory() + "/agent-2.err").find("manifestVersion=5") !=
               std::string::npos;
      },
      30s));
  second->signal(SIGTERM);
  REQUIRE(second->wait(15s) == 0);
  fixture.admin_post("/_fake/manifest-version", {{"version", 1}});
  auto third = fixture.start_agent(config, "agent-3");
  REQUIRE(wait_for_text(fixture.directory() + "/agent-3.err", "manifest.rollback", 30s));
  third->signal(SIGTERM);
  REQUIRE(third->wait(15s) == 0);

  const auto [code, output] = fixture.run_agent_command({"reset-version", "--config", config});
  INFO(output);
  CHECK(code == 0);
  CHECK(output.find("forgot manifestVersion 5") != std::string::npos);
  auto fourth = fixture.start_agent(config, "agent-4");
  REQUIRE(wait_for_text(fixture.directory() + "/agent-4.err", "desired state accepted", 30s));
  fourth->signal(SIGTERM);
  CHECK(fourth->wait(15s) == 0);
  const auto [state_code, state] = fixture.run_agent_command({"state", "--config", config});
  CHECK(state_code == 0);
  CHECK(state.find("\"version\": 1") != std::string::npos);
}

TEST_CASE(
    "retry: a deployment blocked for good is unblocked by the operator, only while the agent is stopped") {
  AgentFixture fixture;
  fixture.start_wfm();
  // A Helm deployment on a device whose only runtime is Docker: runtime.not_configured, a permanent failure.
  const std::string yaml = R"(apiVersion: application.margo.org/v1alpha1
kind: ApplicationDeployment
metadata:
  name: chart-app
  annotations:
    id: d-helm
spec:
  deploymentProfile:
    type: helm.v3
    components:
      - name: chart
        properties:
          repository: oci://registry.test/charts/chart
          revision: 1.0.0
)";
  fixture.admin_post("/_fake/deployments",
                     nlohmann::json::array({{{"deploymentId", "d-helm"}, {"yaml", yaml}}}));
  const auto config = fixture.write_config("agent.yaml");
  auto agent = fixture.start_agent(config);
  REQUIRE(wait_for_text(fixture.directory() + "/agent.err", "deployment failed for good", 30s));
  {
    const auto [code, output] = fixture.run_agent_command({"retry", "d-helm", "--config", config});
    INFO(output);
    CHECK(code == 3);
    CHECK(output.find("stop the agent first") != std::string::npos);
  }
  agent->signal(SIGTERM);
  REQUIRE(agent->wait(15s) == 0);

  {
    const auto [code, output] = fixture.run_agent_command({"retry", "d-nobody", "--config", config});
    INFO(output);
    CHECK(code == 2);
    CHECK(output.find("known: d-helm") != std::string::npos);
  }
  {
    const auto [code, output] = fixture.run_agent_command({"retry", "--config", config});
    CHECK(code == 2);
    CHECK(output.find("retry needs a deployment id") != std::string::npos);
  }
  {
    const auto [code, output] = fixture.run_agent_command({"retry", "d-helm", "--config", config});
    INFO(output);
    CHECK(code == 0);
    CHECK(output.find("will be tried again") != std::string::npos);
    CHECK(output.find("runtime.not_configured") != std::string::npos);
  }
  {
    const auto [code, output] = fixture.run_agent_command({"retry", "d-helm", "--config", config});
    CHECK(code == 0);
    CHECK(output.find("is not blocked") != std::string::npos);
  }
  const auto [state_code, state] = fixture.run_agent_command({"state", "--config", config});
  CHECK(state_code == 0);
  CHECK(state.find("\"blocked\": false") != std::string::npos);
  // Started again, the agent tries once more (and, the device being what it is, blocks again).
  auto second = fixture.start_agent(config, "agent-2");
  REQUIRE(wait_for_text(fixture.directory() + "/agent-2.err", "deployment failed for good", 30s));
  second->signal(SIGTERM);
  CHECK(second->wait(15s) == 0);
}
