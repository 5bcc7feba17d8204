// HelmRuntime::apply against the fake helm CLI: install, upgrade, values, no-op re-apply, namespaces.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "tests/unit/runtime_helm/helm_test_rig.hpp"

using namespace margo;
using namespace margo::testing;
using nlohmann::json;

namespace {

std::string status_of(const json& revision) {
  return revision["info"]["status"].get<std::string>();
}

bool has_argument(const std::vector<std::string>& line, const std::string& argument) {
  return std::find(line.begin(), line.end(), argument) != line.end();
}

}  // namespace

TEST_CASE("a new component is installed as a release carrying its values", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("monitor-db", {{"wait", true}, {"timeout", "1m30s"}},
                                           {{"storage.retention.days", "30"}, {"replicas", 2}});
  require_ok(rig.apply(spec));

  const auto release = rig.release(spec.ref);
  REQUIRE(release);
  CHECK(status_of(*release) == "deployed");
  CHECK((*release)["version"] == 1);
  CHECK((*release)["namespace"] == "apps");
  CHECK((*release)["chart"]["metadata"]["version"] == "1.0.0");
  CHECK((*release)["config"] == json::parse(R"({"storage":{"retention":{"days":"30"}},"replicas":2})"));

  const auto upgrades = rig.invocations("upgrade");
  REQUIRE(upgrades.size() == 1);
  CHECK(has_argument(upgrades[0], "--install"));
  CHECK(has_argument(upgrades[0], "--wait"));
  CHECK(has_argument(upgrades[0], "1m30s"));
  CHECK(has_argument(upgrades[0], "--create-namespace"));
  CHECK(rig.logs().count("installing release") == 1);
  CHECK(rig.logs().count("release installed") == 1);
}

TEST_CASE("the values file is private to the agent", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web", {}, {{"secretish", "value"}});
  require_ok(rig.apply(spec));
  struct stat directory {};
  struct stat file {};
  REQUIRE(::stat(rig.settings().work_directory.c_str(), &directory) == 0);
  REQUIRE(::stat((rig.settings().work_directory + "/" + spec.ref.runtime_name + ".values.json").c_str(),
                 &file) == 0);
  CHECK((directory.st_mode & 0777) == 0700);
  CHECK((file.st_mode & 0777) == 0600);
}

TEST_CASE("the namespace is metadata.namespace, default when empty", "[helm]") {
  HelmRig rig;
  const ComponentSpec placed = rig.component("web", {}, {}, "line-monitoring");
  require_ok(rig.apply(placed));
  CHECK(rig.cluster().latest("line-monitoring", placed.ref.runtime_name));
  CHECK_FALSE(rig.cluster().latest("default", placed.ref.runtime_name));

  const ComponentSpec unplaced = rig.component("api", {}, {}, "");
  require_ok(rig.apply(unplaced));
  CHECK(rig.cluster().latest("default", unplaced.ref.runtime_name));
}

TEST_CASE("re-applying an unchanged component leaves the release alone", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web", {}, {{"site.name", "Plant-7"}, {"site.lines", 4}});
  require_ok(rig.apply(spec));
  require_ok(rig.apply(spec));
  require_ok(rig.apply(spec));
  CHECK((*rig.release(spec.ref))["version"] == 1);
  CHECK(rig.invocations("upgrade").size() == 1);  // the chart was not pulled again
  CHECK(rig.logs().count("release already deployed with this chart version and values; nothing to do") == 2);
}

TEST_CASE("a new revision upgrades the release", "[helm]") {
  HelmRig rig;
  ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  spec.properties["revision"] = "1.1.0";
  require_ok(rig.apply(spec));
  const auto release = rig.release(spec.ref);
  CHECK((*release)["version"] == 2);
  CHECK((*release)["chart"]["metadata"]["version"] == "1.1.0");
  CHECK(status_of(*release) == "deployed");
  CHECK(status_of(rig.cluster().history("apps", spec.ref.runtime_name).front()) == "superseded");
  CHECK(rig.logs().count("release upgraded") == 1);
}

TEST_CASE("changed values upgrade the release and replace the old values", "[helm]") {
  HelmRig rig;
  ComponentSpec spec = rig.component("web", {}, {{"site.name", "Plant-7"}, {"site.lines", 4}});
  require_ok(rig.apply(spec));
  spec.parameters = {{"site.name", "Plant-8"}};
  require_ok(rig.apply(spec));
  const auto release = rig.release(spec.ref);
  CHECK((*release)["version"] == 2);
  CHECK((*release)["config"] == json::parse(R"({"site":{"name":"Plant-8"}})"));
}

TEST_CASE("a failed release is upgraded back to health", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  REQUIRE(rig.cluster().set_release_status("apps", spec.ref.runtime_name, "failed"));
  require_ok(rig.apply(spec));
  CHECK(status_of(*rig.release(spec.ref)) == "deployed");
  CHECK((*rig.release(spec.ref))["version"] == 2);
}

TEST_CASE("a release uninstalled with kept history is installed again", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  REQUIRE(rig.cluster().set_release_status("apps", spec.ref.runtime_name, "uninstalled"));
  require_ok(rig.apply(spec));
  CHECK(status_of(*rig.release(spec.ref)) == "deployed");
}

TEST_CASE("an http(s) chart repository is used with the component name as chart", "[helm]") {
  HelmRig rig;
  rig.cluster().add_chart("https://charts.test/stable/dashboard", {"2.0.0", "2.1.0"});
  const ComponentSpec spec =
      rig.component("dashboard", {{"repository", "https://charts.test/stable/"}, {"revision", nullptr}});
  require_ok(rig.apply(spec));
  const auto release = rig.release(spec.ref);
  CHECK((*release)["chart"]["metadata"]["name"] == "dashboard");
  CHECK((*release)["chart"]["metadata"]["version"] == "2.1.0");  // no revision: the latest
  require_ok(rig.apply(spec));
  CHECK(rig.invocations("upgrade").size() == 1);
}

TEST_CASE("helm's version is asked once and logged", "[helm]") {
  HelmRig rig;
  const ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  require_observation(rig.inspect(spec.ref));
  require_ok(rig.remove(spec.ref));
  CHECK(rig.logs().count("using helm") == 1);
  CHECK(rig.runtime().helm_version() == "v3.14.4+g81c902a");
}

TEST_CASE("kubeconfig warnings on stderr do not disturb the JSON on stdout", "[helm]") {
  HelmRig rig;
  ::chmod(rig.kubeconfig().c_str(), 0644);  // helm warns about a group- and world-readable kubeconfig
  const ComponentSpec spec = rig.component("web");
  require_ok(rig.apply(spec));
  require_ok(rig.apply(spec));
  CHECK(require_observation(rig.inspect(spec.ref)).health == ComponentHealth::running);
}
