// Parsing `helm status -o json`: good records, every release state, and output that is not a record.

#include <catch2/catch.hpp>

#include "agent/runtime/helm/helm_status.hpp"

using namespace margo;

namespace {

// Trimmed from a real helm v3 `helm status web -n apps -o json`.
const char* kDeployed = R"({"name":"web","info":{"first_deployed":"2024-05-02T10:11:12.123456789+02:00",
  "last_deployed":"2024-05-02T10:15:00.5+02:00","deleted":"","description":"Upgrade complete",
  "status":"deployed","notes":"Thank you"},"chart":{"metadata":{"name":"web","version":"1.1.0",
  "description":"A chart","apiVersion":"v2","appVersion":"2.0","type":"application"},"lock":null,
  "templates":[{"name":"templates/x.yaml","data":"YQ=="}],"values":{"replicas":1},"schema":null,"files":[]},
  "config":{"replicas":3,"site":{"name":"Plant-7"}},"manifest":"---\n","version":2,"namespace":"apps"})";

std::string with_status(const std::string& status) {
  std::string text = kDeployed;
  text.replace(text.find("\"deployed\""), 10, "\"" + status + "\"");
  return text;
}

}  // namespace

TEST_CASE("a deployed release is read completely") {
  auto release = parse_helm_release(kDeployed, "helm status web");
  REQUIRE(release.ok());
  CHECK(release->name == "web");
  CHECK(release->namespace_name == "apps");
  CHECK(release->status == "deployed");
  CHECK(release->description == "Upgrade complete");
  CHECK(release->revision == 2);
  CHECK(release->chart_name == "web");
  CHECK(release->chart_version == "1.1.0");
  CHECK(release->config == nlohmann::json::parse(R"({"replicas":3,"site":{"name":"Plant-7"}})"));
  const ComponentObservation seen = observe_release(*release);
  CHECK(seen.health == ComponentHealth::running);
  CHECK(seen.detail.find("revision 2") != std::string::npos);
}

TEST_CASE("a release without user values has an empty config") {
  nlohmann::json record = nlohmann::json::parse(kDeployed);
  record.erase("config");
  auto release = parse_helm_release(record.dump(), "helm status web");
  REQUIRE(release.ok());
  CHECK(release->config == nlohmann::json::object());
  record["config"] = nullptr;
  CHECK(parse_helm_release(record.dump(), "x")->config == nlohmann::json::object());
}

TEST_CASE("every release state maps to a component health") {
  const std::pair<const char*, ComponentHealth> states[] = {
      {"deployed", ComponentHealth::running},
      {"failed", ComponentHealth::failed},
      {"pending-install", ComponentHealth::progressing},
      {"pending-upgrade", ComponentHealth::progressing},
      {"pending-rollback", ComponentHealth::progressing},
      {"uninstalling", ComponentHealth::progressing},
      {"uninstalled", ComponentHealth::missing},
      {"superseded", ComponentHealth::failed},
      {"unknown", ComponentHealth::failed},
      {"something-new", ComponentHealth::failed}};
  for (const auto& [status, health] : states) {
    INFO(status);
    auto release = parse_helm_release(with_status(status), "helm status web");
    REQUIRE(release.ok());
    CHECK(observe_release(*release).health == health);
    CHECK(observe_release(*release).detail.find(status) != std::string::npos);
  }
  CHECK(is_pending_status("pending-upgrade"));
  CHECK_FALSE(is_pending_status("uninstalling"));
}

TEST_CASE("output that is not a release record is an error, never a crash") {
  const char* bad[] = {
      "",
      "not json",
      "WARNING: something\n{\"name\":\"web\"}",  // stderr noise must never reach stdout parsing
      "[]",
      "null",
      R"({"name":"web"})",
      R"({"name":7,"info":{"status":"deployed"},"version":1})",
      R"({"name":"web","info":"deployed","version":1})",
      R"({"name":"web","info":{"status":""},"version":1})",
      R"({"name":"web","info":{"status":"deployed"},"version":"1"})",
      R"({"name":"web","info":{"status":"deployed"},"version":0})",
      R"({"name":"web","info":{"status":"deployed"},"version":1.5})",
      R"({"name":"web","info":{"status":"deployed"},"version":99999999999})",
      R"({"name":"web","info":{"status":"deployed"},"version":1,"config":[1]})",
      R"({"name":"web","info":{"status":"deployed"},"version":1)"};
  for (const char* text : bad) {
    INFO(text);
    auto release = parse_helm_release(text, "helm status web");
    REQUIRE_FALSE(release.ok());
    CHECK(release.error().code == "helm.invalid_output");
    CHECK(release.error().retryable());
    CHECK(release.error().message.find("helm status web") != std::string::npos);
  }
}

TEST_CASE("odd but harmless fields do not break parsing") {
  auto release = parse_helm_release(
      R"({"name":"web","info":{"status":"deployed","description":7},"chart":{"metadata":"x"},)"
      R"("version":1,"extra":{}})",
      "helm status web");
  REQUIRE(release.ok());
  CHECK(release->description.empty());
  CHECK(release->chart_name.empty());
}
