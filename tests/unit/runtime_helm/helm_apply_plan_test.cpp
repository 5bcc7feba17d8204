// What apply decides before and after asking helm: properties read, command lines built, and the
// action for each state the release can be in.

#include <catch2/catch.hpp>

#include "agent/runtime/helm/helm_apply.hpp"

using namespace margo;
using nlohmann::json;

namespace {

HelmSettings settings() {
  HelmSettings s;
  s.helm_path = "/usr/bin/helm";
  s.kubeconfig_path = "/etc/margo/kubeconfig";
  s.work_directory = "/var/lib/margo/helm";
  return s;
}

ComponentSpec spec(json properties, std::vector<ParameterValue> parameters = {}) {
  ComponentSpec s;
  s.ref = {"dep-1", "monitor-db", "line-monitor-monitor-db-1a2b3c4d", "line-monitoring"};
  s.properties = std::move(properties);
  s.parameters = std::move(parameters);
  return s;
}

HelmApplyPlan plan(json properties, std::vector<ParameterValue> parameters = {}) {
  auto made = plan_helm_apply(spec(std::move(properties), std::move(parameters)), settings());
  if (!made) FAIL(made.error().message);
  return *made;
}

Error plan_error(json properties, std::vector<ParameterValue> parameters = {}) {
  auto made = plan_helm_apply(spec(std::move(properties), std::move(parameters)), settings());
  REQUIRE_FALSE(made.ok());
  CHECK(made.error().error_class == ErrorClass::permanent);
  return made.error();
}

HelmReleaseStatus release(const std::string& status, const std::string& version, json config) {
  HelmReleaseStatus r;
  r.name = "line-monitor-monitor-db-1a2b3c4d";
  r.status = status;
  r.revision = 3;
  r.chart_name = "monitor-db";
  r.chart_version = version;
  r.config = std::move(config);
  return r;
}

}  // namespace

TEST_CASE("go_duration writes what helm's --timeout parses") {
  using namespace std::chrono_literals;
  CHECK(go_duration(5min) == "5m0s");
  CHECK(go_duration(510s) == "8m30s");
  CHECK(go_duration(1h) == "1h0m0s");
  CHECK(go_duration(3723s) == "1h2m3s");
  CHECK(go_duration(45s) == "45s");
  CHECK(go_duration(1500ms) == "1.5s");
  CHECK(go_duration(61250ms) == "1m1.25s");
  CHECK(go_duration(500ms) == "500ms");
  CHECK(go_duration(0ms) == "0s");
}

TEST_CASE("an OCI repository is the chart reference, the revision is --version") {
  const HelmApplyPlan p = plan({{"repository", "oci://registry.acme.example/charts/monitor-db"},
                                {"revision", "4.1.0"},
                                {"wait", "true"},
                                {"timeout", "8m30s"}},
                               {{"storage.retention.days", "30"}});
  CHECK(p.target.release == "line-monitor-monitor-db-1a2b3c4d");
  CHECK(p.target.namespace_name == "line-monitoring");
  CHECK(p.chart.chart == "oci://registry.acme.example/charts/monitor-db");
  CHECK(p.chart.chart_name == "monitor-db");
  CHECK(p.values_file == "/var/lib/margo/helm/line-monitor-monitor-db-1a2b3c4d.values.json");
  CHECK(json::parse(p.values_text) == json::parse(R"({"storage":{"retention":{"days":"30"}}})"));
  const std::vector<std::string> expected = {"upgrade",
                                             "--install",
                                             "line-monitor-monitor-db-1a2b3c4d",
                                             "oci://registry.acme.example/charts/monitor-db",
                                             "--namespace",
                                             "line-monitoring",
                                             "--kubeconfig",
                                             "/etc/margo/kubeconfig",
                                             "--create-namespace",
                                             "--values",
                                             p.values_file,
                                             "--version",
                                             "4.1.0",
                                             "--wait",
                                             "--timeout",
                                             "8m30s",
                                             "-o",
                                             "json"};
  CHECK(helm_upgrade_args(settings(), p.target, p.chart, p.values_file, p.options) == expected);
}

TEST_CASE("an http(s) repository is --repo with the component name as the chart") {
  const HelmApplyPlan p = plan({{"repository", "https://charts.acme.example/stable"}});
  CHECK(p.chart.chart == "monitor-db");
  CHECK(p.chart.repo_url == "https://charts.acme.example/stable");
  const auto args = helm_upgrade_args(settings(), p.target, p.chart, p.values_file, p.options);
  CHECK(std::find(args.begin(), args.end(), "--repo") != args.end());
  CHECK(std::find(args.begin(), args.end(), "--version") == args.end());  // no revision: the latest
  CHECK(std::find(args.begin(), args.end(), "--wait") == args.end());
  CHECK(args[args.size() - 3] == "5m0s");  // the default timeout
}

TEST_CASE("profile B's '_' for build metadata becomes helm's '+'") {
  CHECK(plan({{"repository", "oci://r.test/c/x"}, {"revision", "1.2.3_build.5"}}).chart.version ==
        "1.2.3+build.5");
}

TEST_CASE("bad properties are refused before helm runs") {
  CHECK(plan_error(json::object()).code == "component.invalid_property");
  CHECK(plan_error({{"repository", 7}}).code == "component.invalid_property");
  CHECK(plan_error({{"repository", "ftp://x/y"}}).code == "component.invalid_property");
  CHECK(plan_error({{"repository", "oci://registry-only"}}).code == "component.invalid_property");
  CHECK(plan_error({{"repository", "oci://r/c/x y"}}).code == "component.invalid_property");
  CHECK(plan_error({{"repository", "oci://r/c/x"}, {"revision", 4.1}}).code == "component.invalid_property");
  CHECK(plan_error({{"repository", "oci://r/c/x"}, {"revision", "--devel"}}).code ==
        "component.invalid_property");
  CHECK(plan_error({{"repository", "oci://r/c/x"}, {"timeout", "soon"}}).code ==
        "component.invalid_property");
  CHECK(plan_error({{"repository", "oci://r/c/x"}, {"wait", "yes"}}).code == "component.invalid_property");
  const Error conflict = plan_error({{"repository", "oci://r/c/x"}}, {{"a", 1}, {"a.b", 2}});
  CHECK(conflict.code == "component.invalid_parameter");
  CHECK(conflict.message.find("monitor-db") != std::string::npos);
}

TEST_CASE("release and namespace names are checked, an empty namespace is default") {
  ComponentRef ref{"dep-1", "web", "web-1a2b3c4d", ""};
  CHECK(helm_target_of(ref)->namespace_name == "default");
  ref.namespace_name = "Bad_Namespace";
  CHECK(helm_target_of(ref).error().code == "helm.invalid_namespace");
  ref.namespace_name = "apps";
  ref.runtime_name = "--all";
  CHECK(helm_target_of(ref).error().code == "helm.invalid_release_name");
  HelmSettings no_work = settings();
  no_work.work_directory.clear();
  CHECK(plan_helm_apply(spec({{"repository", "oci://r/c/x"}}), no_work).error().code == "helm.misconfigured");
}

TEST_CASE("the release's state decides what apply does") {
  const HelmApplyPlan p = plan({{"repository", "oci://r.test/charts/monitor-db"}, {"revision", "4.1.0"}},
                               {{"site", "Plant-7"}, {"days", 30}});
  const json same_values = json::parse(R"({"site":"Plant-7","days":30.0})");  // helm reads numbers as floats
  CHECK(decide_helm_apply(std::nullopt, p) == HelmApplyAction::install);
  CHECK(decide_helm_apply(release("uninstalled", "4.1.0", same_values), p) == HelmApplyAction::install);
  CHECK(decide_helm_apply(release("deployed", "4.1.0", same_values), p) == HelmApplyAction::nothing);
  CHECK(decide_helm_apply(release("deployed", "4.0.0", same_values), p) == HelmApplyAction::upgrade);
  CHECK(decide_helm_apply(release("deployed", "4.1.0", json{{"site", "Plant-8"}, {"days", 30}}), p) ==
        HelmApplyAction::upgrade);
  CHECK(decide_helm_apply(release("failed", "4.1.0", same_values), p) == HelmApplyAction::upgrade);
  CHECK(decide_helm_apply(release("superseded", "4.1.0", same_values), p) == HelmApplyAction::upgrade);
  CHECK(decide_helm_apply(release("pending-install", "4.1.0", same_values), p) ==
        HelmApplyAction::uninstall_then_install);
  CHECK(decide_helm_apply(release("uninstalling", "4.1.0", same_values), p) ==
        HelmApplyAction::uninstall_then_install);
  CHECK(decide_helm_apply(release("pending-upgrade", "4.1.0", same_values), p) ==
        HelmApplyAction::rollback_then_upgrade);
  CHECK(decide_helm_apply(release("pending-rollback", "4.1.0", same_values), p) ==
        HelmApplyAction::rollback_then_upgrade);
  auto other_chart = release("deployed", "4.1.0", same_values);
  other_chart.chart_name = "something-else";
  CHECK(decide_helm_apply(other_chart, p) == HelmApplyAction::upgrade);
}

TEST_CASE("without a revision, a deployed release of the same chart and values is left alone") {
  const HelmApplyPlan p = plan({{"repository", "oci://r.test/charts/monitor-db"}});
  CHECK(decide_helm_apply(release("deployed", "9.9.9", json::object()), p) == HelmApplyAction::nothing);
}

TEST_CASE("status, rollback and uninstall name the namespace and the kubeconfig") {
  const HelmTarget target{"web-1a2b3c4d", "apps"};
  CHECK(helm_status_args(settings(), target) ==
        std::vector<std::string>{"status", "web-1a2b3c4d", "--namespace", "apps", "--kubeconfig",
                                 "/etc/margo/kubeconfig", "-o", "json"});
  CHECK(helm_rollback_args(settings(), target, std::chrono::seconds(90)) ==
        std::vector<std::string>{"rollback", "web-1a2b3c4d", "--namespace", "apps", "--kubeconfig",
                                 "/etc/margo/kubeconfig", "--timeout", "1m30s"});
  CHECK(helm_uninstall_args(settings(), target, std::chrono::minutes(5)) ==
        std::vector<std::string>{"uninstall", "web-1a2b3c4d", "--namespace", "apps", "--kubeconfig",
                                 "/etc/margo/kubeconfig", "--wait", "--timeout", "5m0s"});
  HelmSettings no_kubeconfig = settings();
  no_kubeconfig.kubeconfig_path.clear();
  const auto args = helm_status_args(no_kubeconfig, target);
  CHECK(std::find(args.begin(), args.end(), "--kubeconfig") == args.end());
}
