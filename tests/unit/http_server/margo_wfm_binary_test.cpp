#include <catch2/catch.hpp>

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "child_process.hpp"
#include "test_pki.hpp"

using margo::testing::ChildProcess;
using margo::testing::test_pki;
using namespace std::chrono_literals;

namespace {

const std::string binary = MARGO_BINARY_DIR "/bin/margo-wfm";

// Reads the "listening" line and returns the port, or 0 when the line is not what it should be.
int listening_port(ChildProcess& process, const std::string& scheme) {
  const auto line = process.read_line(30s);
  REQUIRE(line.has_value());
  std::smatch match;
  INFO(*line);
  REQUIRE(std::regex_match(*line, match,
                           std::regex("margo-wfm: listening on " + scheme + "://127\\.0\\.0\\.1:([0-9]+)")));
  return std::stoi(match[1]);
}

std::string read_file(const std::string& path) {
  std::ifstream stream(path);
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

}  // namespace

TEST_CASE("margo-wfm: --help explains the commands") {
  ChildProcess process({binary, "--help"});
  const std::string help = process.read_rest(30s);
  const auto status = process.wait(30s);
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  CHECK(help.find("margo-wfm serve --listen HOST:PORT") != std::string::npos);
  CHECK(help.find("--tls-cert") != std::string::npos);
  CHECK(help.find("/_fake/exchanges") != std::string::npos);
}

TEST_CASE("margo-wfm: a bad command line exits 2") {
  ChildProcess process({binary, "serve", "--listen", "127.0.0.1"});
  const auto status = process.wait(30s);
  REQUIRE(status.has_value());
  CHECK(WEXITSTATUS(*status) == 2);
}

TEST_CASE("margo-wfm: serves plain HTTP with admin endpoints, stops on SIGTERM and writes the report") {
  const std::string report = test_pki().directory + "/report.json";
  ChildProcess process({binary, "serve", "--listen", "127.0.0.1:0", "--report", report});
  const int port = listening_port(process, "http");

  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10s);
  const auto root_ca = client.Get("/api/v1/onboarding/certificate");
  REQUIRE(root_ca);
  CHECK(root_ca->status == 404);
  const auto fail_next = client.Post(
      "/_fake/fail-next", R"({"route":"any","count":1,"status":503,"retryAfter":2})", "application/json");
  REQUIRE(fail_next);
  CHECK(fail_next->status == 204);
  const auto failed = client.Get("/api/v1/onboarding/certificate");
  REQUIRE(failed);
  CHECK(failed->status == 503);
  CHECK(failed->get_header_value("Retry-After") == "2");
  const auto stats = client.Get("/_fake/stats");
  REQUIRE(stats);
  CHECK(stats->status == 200);
  CHECK(nlohmann::json::parse(stats->body).at("routes").at("onboarding").at("requests") == 2);

  process.send_signal(SIGTERM);
  const auto status = process.wait(30s);
  REQUIRE(status.has_value());
  CHECK(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
  const auto exchanges = nlohmann::json::parse(read_file(report));
  REQUIRE(exchanges.size() == 2);
  CHECK(exchanges[0].at("path") == "/api/v1/onboarding/certificate");
  CHECK(exchanges[1].at("status") == 503);
  std::remove(report.c_str());
}

TEST_CASE("margo-wfm: serves HTTPS with a root CA and initial deployments, and SIGINT stops it") {
  const std::string deployments = test_pki().directory + "/deployments";
  REQUIRE(mkdir(deployments.c_str(), 0700) == 0);
  std::ofstream(deployments + "/web.yaml")
      << "apiVersion: application.margo.org/v1alpha1\nid: 11111111-2222\n";

  ChildProcess process({binary, "serve", "--listen", "127.0.0.1:0", "--tls-cert",
                        test_pki().server_certificate_file, "--tls-key", test_pki().server_key_file,
                        "--root-ca", test_pki().ca_certificate_file, "--base-path", "/wfm",
                        "--deployments-dir", deployments});
  const int port = listening_port(process, "https");

  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(test_pki().ca_certificate_file.c_str());
  client.enable_server_certificate_verification(true);
  client.set_read_timeout(10s);
  const auto root_ca = client.Get("/wfm/api/v1/onboarding/certificate");
  REQUIRE(root_ca);
  CHECK(root_ca->status == 200);
  CHECK(nlohmann::json::parse(root_ca->body).contains("certificate"));
  // Unsigned requests to the device API are refused, and recorded.
  const auto unsigned_request = client.Post("/wfm/api/v1/onboarding", "{}", "application/json");
  REQUIRE(unsigned_request);
  CHECK(unsigned_request->status == 400);
  const auto exchanges = client.Get("/_fake/exchanges");
  REQUIRE(exchanges);
  CHECK(nlohmann::json::parse(exchanges->body).size() == 2);

  process.send_signal(SIGINT);
  const auto status = process.wait(30s);
  REQUIRE(status.has_value());
  CHECK(WEXITSTATUS(*status) == 0);
  std::remove((deployments + "/web.yaml").c_str());
  rmdir(deployments.c_str());
}
