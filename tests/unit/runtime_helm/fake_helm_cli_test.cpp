// fake-helm itself: the command lines, messages, exit codes and JSON shapes of helm v3 that the adapter
// relies on, so that a test passing against the fake means something against the real helm.

#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/runtime_helm/helm_test_rig.hpp"

using namespace margo;
using namespace margo::testing;
using nlohmann::json;

namespace {

class FakeHelmBench {
 public:
  FakeHelmBench()
      : kubeconfig_((std::filesystem::create_directories(directory_.path() + "/kube"),
                     directory_.path() + "/kube/config")),
        cluster_(fake::FakeHelmCluster::create(kubeconfig_)) {
    cluster_.add_chart("oci://registry.test/charts/web", {"1.0.0", "1.1.0"});
  }

  // Runs fake-helm with the bench's kubeconfig appended unless `with_kubeconfig` is false.
  ProcessResult helm(std::vector<std::string> args, bool with_kubeconfig = true) {
    ProcessSpec spec;
    spec.argv = {kFakeHelm};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    if (with_kubeconfig) spec.argv.insert(spec.argv.end(), {"--kubeconfig", kubeconfig_});
    spec.environment = {{"HOME", directory_.path()}};
    spec.timeout = std::chrono::seconds(30);
    auto outcome =
        loop_.call<ProcessResult>([this, spec](Callback<ProcessResult> done) { runner_.run(spec, done); });
    REQUIRE(outcome.result);
    REQUIRE(outcome.result->ok());
    return outcome.result->value();
  }

  fake::FakeHelmCluster& cluster() { return cluster_; }
  const std::string& root() const { return directory_.path(); }

 private:
  TempDirectory directory_;
  std::string kubeconfig_;
  fake::FakeHelmCluster cluster_;
  LoopThread loop_;
  WorkerPool workers_{2};
  SpawnProcessRunner runner_{loop_.loop(), workers_};
};

void check_error(const ProcessResult& result, const std::string& message) {
  CHECK(result.exit_code == 1);
  CHECK(result.stdout_data.empty());
  CHECK(result.stderr_data == "Error: " + message + "\n");
}

const std::vector<std::string> kInstallWeb = {
    "upgrade", "--install", "web", "oci://registry.test/charts/web", "-n", "apps", "--create-namespace",
    "-o",      "json"};

}  // namespace

TEST_CASE("fake-helm: version --short looks like helm's", "[fake-helm]") {
  FakeHelmBench bench;
  const ProcessResult result = bench.helm({"version", "--short"}, false);
  CHECK(result.exit_code == 0);
  CHECK(result.stdout_data == "v3.14.4+g81c902a\n");
}

TEST_CASE("fake-helm: unknown flags and commands fail as cobra does", "[fake-helm]") {
  FakeHelmBench bench;
  check_error(bench.helm({"status", "web", "--frobnicate"}), "unknown flag: --frobnicate");
  check_error(bench.helm({"status", "web", "-z"}), "unknown shorthand flag: 'z' in -z");
  check_error(bench.helm({"status", "web", "-n"}, false), "flag needs an argument: 'n' in -n");
  check_error(
      bench.helm({"upgrade", "--install", "web", "x", "--wait=maybe"}),
      "invalid argument \"maybe\" for \"--wait\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax");
  const ProcessResult unknown = bench.helm({"frob"});
  CHECK(unknown.exit_code == 1);
  CHECK(unknown.stderr_data.rfind("Error: unknown command \"frob\" for \"helm\"", 0) == 0);
}

TEST_CASE("fake-helm: releases that do not exist", "[fake-helm]") {
  FakeHelmBench bench;
  check_error(bench.helm({"status", "web", "-n", "apps", "-o", "json"}), "release: not found");
  check_error(bench.helm({"uninstall", "web", "-n", "apps"}),
              "uninstall: Release not loaded: web: release: not found");
  check_error(bench.helm({"rollback", "web", "-n", "apps"}), "release: not found");
  check_error(bench.helm({"get", "values", "web", "-o", "json"}), "release: not found");
}

TEST_CASE("fake-helm: upgrade --install prints the release as helm status does", "[fake-helm]") {
  FakeHelmBench bench;
  const std::string values = bench.root() + "/values.json";
  std::ofstream(values) << R"({"a": {"b": "from-file", "c": 1}})";
  std::vector<std::string> args = kInstallWeb;
  args.insert(args.end(), {"--values", values, "--set", "a.c=2,list[1]=x,flag=true,zip=007", "--set-string",
                           "s=10", "--version", "1.0.0", "--wait", "--timeout", "2m0s"});
  const ProcessResult installed = bench.helm(args);
  REQUIRE(installed.exit_code == 0);
  const json release = json::parse(installed.stdout_data);
  CHECK(release["name"] == "web");
  CHECK(release["namespace"] == "apps");
  CHECK(release["version"] == 1);
  CHECK(release["info"]["status"] == "deployed");
  CHECK(release["info"]["deleted"] == "");
  CHECK(release["info"]["first_deployed"] == "2024-01-01T00:00:01Z");
  CHECK(release["chart"]["metadata"]["name"] == "web");
  CHECK(release["chart"]["metadata"]["version"] == "1.0.0");
  // --values merged first, then --set typed as strvals types it, then --set-string as strings.
  CHECK(release["config"] ==
        json::parse(R"({"a":{"b":"from-file","c":2},"list":[null,"x"],"flag":true,"zip":"007","s":"10"})"));
  const ProcessResult status = bench.helm({"status", "web", "-n", "apps", "-o", "json"});
  CHECK(json::parse(status.stdout_data) == release);
  const ProcessResult got = bench.helm({"get", "values", "web", "-n", "apps", "-o", "json"});
  CHECK(json::parse(got.stdout_data) == release["config"]);
}

TEST_CASE("fake-helm: charts and versions that do not exist fail as helm does", "[fake-helm]") {
  FakeHelmBench bench;
  std::vector<std::string> args = kInstallWeb;
  args.insert(args.end(), {"--version", "9.9.9"});
  check_error(bench.helm(args), "could not locate a version matching provided version string 9.9.9");
  check_error(
      bench.helm({"install", "web", "oci://registry.test/charts/nope", "-n", "apps"}),
      "INSTALLATION FAILED: GET \"https://registry.test/v2/charts/nope/tags/list\": response status code "
      "404: name unknown: repository name not known to registry");
  check_error(
      bench.helm({"upgrade", "--install", "web", "web", "--repo", "https://charts.test", "--version", "2"}),
      "chart \"web\" version \"2\" not found in https://charts.test repository");
  CHECK_FALSE(bench.cluster().latest("apps", "web"));  // nothing recorded
}

TEST_CASE("fake-helm: a namespace must exist unless --create-namespace", "[fake-helm]") {
  FakeHelmBench bench;
  check_error(bench.helm({"upgrade", "--install", "web", "oci://registry.test/charts/web", "-n", "nowhere"}),
              "create: failed to create: namespaces \"nowhere\" not found");
  CHECK(bench.helm({"upgrade", "--install", "web", "oci://registry.test/charts/web"}).exit_code ==
        0);  // default
}

TEST_CASE("fake-helm: a pending release refuses upgrades until repaired", "[fake-helm]") {
  FakeHelmBench bench;
  bench.cluster().crash_next("install");
  const ProcessResult crashed = bench.helm(kInstallWeb);
  CHECK(crashed.signal == SIGKILL);
  CHECK(bench.cluster().latest("apps", "web").value()["info"]["status"] == "pending-install");
  check_error(bench.helm(kInstallWeb),
              "UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress");
  CHECK(bench.helm({"uninstall", "web", "-n", "apps"}).stdout_data == "release \"web\" uninstalled\n");
  CHECK(bench.helm(kInstallWeb).exit_code == 0);
}

TEST_CASE("fake-helm: rollback goes back one revision and supersedes the rest", "[fake-helm]") {
  FakeHelmBench bench;
  REQUIRE(bench.helm(kInstallWeb).exit_code == 0);
  std::vector<std::string> newer = kInstallWeb;
  newer.insert(newer.end(), {"--version", "1.0.0"});
  REQUIRE(bench.helm(newer).exit_code == 0);
  const ProcessResult rolled = bench.helm({"rollback", "web", "-n", "apps"});
  CHECK(rolled.stdout_data == "Rollback was a success! Happy Helming!\n");
  const auto history = bench.cluster().history("apps", "web");
  REQUIRE(history.size() == 3);
  CHECK(history[0]["info"]["status"] == "superseded");
  CHECK(history[1]["info"]["status"] == "superseded");
  CHECK(history[2]["info"]["status"] == "deployed");
  CHECK(history[2]["chart"]["metadata"]["version"] == "1.1.0");
  check_error(bench.helm({"rollback", "web", "7", "-n", "apps"}), "release has no 7 version");
}

TEST_CASE("fake-helm: an unreachable cluster and a missing kubeconfig", "[fake-helm]") {
  FakeHelmBench bench;
  const ProcessResult missing = bench.helm({"status", "web", "--kubeconfig", bench.root() + "/nope"}, false);
  check_error(missing,
              "Kubernetes cluster unreachable: stat " + bench.root() + "/nope: no such file or directory");
  bench.cluster().set_unreachable(true);
  const ProcessResult install = bench.helm({"install", "web", "oci://registry.test/charts/web"});
  CHECK(install.exit_code == 1);
  CHECK(install.stderr_data.rfind("Error: INSTALLATION FAILED: Kubernetes cluster unreachable: ", 0) == 0);
}

TEST_CASE("fake-helm: list shows releases as helm list -o json does", "[fake-helm]") {
  FakeHelmBench bench;
  REQUIRE(bench.helm(kInstallWeb).exit_code == 0);
  bench.cluster().crash_next("install");
  bench.helm({"upgrade", "--install", "api", "oci://registry.test/charts/web"});
  const json all = json::parse(bench.helm({"list", "-aA", "-o", "json"}).stdout_data);
  REQUIRE(all.size() == 2);
  CHECK(all[0]["name"] == "web");
  CHECK(all[0]["revision"] == "1");
  CHECK(all[0]["chart"] == "web-1.1.0");
  CHECK(all[0]["updated"] == "2024-01-01 00:00:01 +0000 UTC");
  CHECK(all[1]["status"] == "pending-install");
  // Without --all only deployed and failed releases are listed.
  CHECK(json::parse(bench.helm({"list", "-A", "-o", "json"}).stdout_data).size() == 1);
}

TEST_CASE("fake-helm: x-fake changes the cluster behind helm's back", "[fake-helm]") {
  FakeHelmBench bench;
  REQUIRE(bench.helm(kInstallWeb).exit_code == 0);
  CHECK(bench.helm({"x-fake", "set-status", "web", "failed", "-n", "apps"}).exit_code == 0);
  CHECK(bench.cluster().latest("apps", "web").value()["info"]["status"] == "failed");
  CHECK(bench.helm({"x-fake", "delete", "web", "-n", "apps"}).exit_code == 0);
  CHECK_FALSE(bench.cluster().latest("apps", "web"));
}
