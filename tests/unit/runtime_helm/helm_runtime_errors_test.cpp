// HelmRuntime's errors: each failure the brief names has a clear code, class and message.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "tests/unit/runtime_helm/helm_test_rig.hpp"

using namespace margo;
using namespace margo::testing;

TEST_CASE("a chart or chart version that does not exist is helm.chart_not_found", "[helm]") {
  HelmRig rig;
  SECTION("unknown version") {
    const Error error = require_error(rig.apply(rig.component("web", {{"revision", "9.9.9"}})));
    CHECK(error.code == "helm.chart_not_found");
    CHECK(error.error_class == ErrorClass::permanent);
    CHECK(error.message.find("9.9.9") != std::string::npos);
  }
  SECTION("unknown OCI repository") {
    const Error error =
        require_error(rig.apply(rig.component("web", {{"repository", "oci://registry.test/charts/nope"}})));
    CHECK(error.code == "helm.chart_not_found");
  }
  SECTION("unknown chart in an http repository") {
    const Error error =
        require_error(rig.apply(rig.component("web", {{"repository", "https://charts.test/x"}})));
    CHECK(error.code == "helm.chart_not_found");
  }
}

TEST_CASE("an unreachable cluster makes the runtime unavailable", "[helm]") {
  SECTION("helm says so") {
    HelmRig rig;
    rig.cluster().set_unreachable(true);
    const Error error = require_error(rig.apply(rig.component("web")));
    CHECK(error.code == "runtime.unavailable");
    CHECK(error.retryable());
    CHECK(error.message.find("Kubernetes cluster unreachable") != std::string::npos);
  }
  SECTION("the kubeconfig is missing: helm is not even asked") {
    HelmRig rig([](HelmSettings& settings) { settings.kubeconfig_path += ".missing"; });
    const ComponentSpec spec = rig.component("web");
    const Error error = require_error(rig.apply(spec));
    CHECK(error.code == "runtime.unavailable");
    CHECK(error.message.find(".missing") != std::string::npos);
    CHECK(require_error(rig.remove(spec.ref)).code == "runtime.unavailable");
    CHECK(rig.invocations("status").empty());
  }
}

TEST_CASE("an install slower than its timeout is helm.timeout, and leaves the release failed", "[helm]") {
  HelmRig rig;
  rig.cluster().set_delay("install", std::chrono::seconds(3));
  const ComponentSpec spec = rig.component("web", {{"wait", true}, {"timeout", "1s"}});
  const Error error = require_error(rig.apply(spec));
  CHECK(error.code == "helm.timeout");
  CHECK(error.retryable());
  CHECK(error.message.find("context deadline exceeded") != std::string::npos);
  CHECK((*rig.release(spec.ref))["info"]["status"] == "failed");
  rig.cluster().set_delay("install", std::chrono::milliseconds(0));
  require_ok(rig.apply(spec));  // the failed release is upgraded
  CHECK((*rig.release(spec.ref))["info"]["status"] == "deployed");
}

TEST_CASE("a missing helm binary makes the runtime unavailable, and is asked again later", "[helm]") {
  HelmRig rig([](HelmSettings& settings) { settings.helm_path = "/nonexistent/helm"; });
  const ComponentSpec spec = rig.component("web");
  for (int attempt = 0; attempt < 2; ++attempt) {
    const Error error = require_error(rig.apply(spec));
    CHECK(error.code == "runtime.unavailable");
    CHECK(error.retryable());
    CHECK(error.message.find("/nonexistent/helm") != std::string::npos);
  }
  CHECK(rig.logs().count("helm is not usable") == 2);
  const auto inspected = rig.inspect(spec.ref);
  REQUIRE(inspected.result);
  CHECK(inspected.result->error().code == "runtime.unavailable");
}

TEST_CASE("helm's own failures are retryable errors carrying helm's words", "[helm]") {
  HelmRig rig;
  ComponentSpec spec = rig.component("web");
  rig.cluster().fail_next("install", 1, "admission webhook \"policy\" denied the request");
  const Error install = require_error(rig.apply(spec));
  CHECK(install.code == "helm.install_failed");
  CHECK(install.retryable());
  CHECK(install.message.find("denied the request") != std::string::npos);
  require_ok(rig.apply(spec));  // the failed release is upgraded this time
  spec.properties["revision"] = "1.1.0";
  rig.cluster().fail_next("upgrade", 1, "quota exceeded");
  const Error upgrade = require_error(rig.apply(spec));
  CHECK(upgrade.code == "helm.upgrade_failed");
  CHECK(upgrade.message.find("UPGRADE FAILED: quota exceeded") != std::string::npos);
}

TEST_CASE("bad properties and parameters fail at once, without running helm", "[helm]") {
  HelmRig rig;
  CHECK(require_error(rig.apply(rig.component("web", {{"repository", 42}}))).code ==
        "component.invalid_property");
  CHECK(require_error(rig.apply(rig.component("web", {{"timeout", "forever"}}))).code ==
        "component.invalid_property");
  CHECK(require_error(rig.apply(rig.component("web", {}, {{"a", 1}, {"a.b", 2}}))).code ==
        "component.invalid_parameter");
  ComponentSpec bad_namespace = rig.component("web", {}, {}, "Not_A_Namespace");
  CHECK(require_error(rig.apply(bad_namespace)).code == "helm.invalid_namespace");
  ComponentSpec bad_release = rig.component("web");
  bad_release.ref.runtime_name = "-rf";
  CHECK(require_error(rig.apply(bad_release)).code == "helm.invalid_release_name");
  CHECK(require_error(rig.remove(bad_release.ref)).code == "helm.invalid_release_name");
  CHECK(rig.cluster().invocations().empty());
}

TEST_CASE("a helm that prints garbage gives helm.invalid_output, never a crash", "[helm]") {
  // A stand-in helm that answers `version` properly and everything else with broken JSON.
  TempDirectory bin;
  const std::string script = bin.path() + "/helm";
  std::ofstream(script) << "#!/bin/sh\n"
                           "case \"$1\" in\n"
                           "  version) echo v3.14.4+gbroken ;;\n"
                           "  *) echo '{\"name\": \"web\", \"info\": {\"status\": '; echo 'warning' >&2 ;;\n"
                           "esac\n";
  ::chmod(script.c_str(), 0755);
  HelmRig rig([&](HelmSettings& settings) { settings.helm_path = script; });
  const ComponentSpec spec = rig.component("web");
  const Error apply = require_error(rig.apply(spec));
  CHECK(apply.code == "helm.invalid_output");
  const auto inspected = rig.inspect(spec.ref);
  REQUIRE(inspected.result);
  CHECK(inspected.result->error().code == "helm.invalid_output");
}

TEST_CASE("a helm printing more than the output cap is helm.invalid_output", "[helm]") {
  TempDirectory bin;
  const std::string script = bin.path() + "/helm";
  std::ofstream(script) << "#!/bin/sh\n"
                           "case \"$1\" in\n"
                           "  version) echo v3.14.4+gbig ;;\n"
                           "  *) head -c 17000000 /dev/zero ;;\n"
                           "esac\n";
  ::chmod(script.c_str(), 0755);
  HelmRig rig([&](HelmSettings& settings) { settings.helm_path = script; });
  const auto inspected = rig.inspect(rig.component("web").ref);
  REQUIRE(inspected.result);
  REQUIRE_FALSE(inspected.result->ok());
  CHECK(inspected.result->error().code == "helm.invalid_output");
  CHECK(inspected.result->error().message.find("MiB") != std::string::npos);
}

TEST_CASE("helm runs with exactly the configured environment, plus its homes under the work directory",
          "[helm]") {
  TempDirectory bin;
  const std::string script = bin.path() + "/helm";
  const std::string seen = bin.path() + "/environment.txt";
  std::ofstream(script) << "#!/bin/sh\n"
                           "case \"$1\" in\n"
                           "  version) echo v3.14.4+genv ;;\n"
                           "  *) /usr/bin/env > " +
                               seen +
                               "; echo 'Error: release: not found' >&2; exit 1 ;;\n"
                               "esac\n";
  ::chmod(script.c_str(), 0755);
  ::setenv("MARGO_AGENT_SECRET", "must-not-leak", 1);
  HelmRig rig([&](HelmSettings& settings) {
    settings.helm_path = script;
    settings.environment["HTTPS_PROXY"] = "http://proxy.test:3128";
  });
  CHECK(require_observation(rig.inspect(rig.component("web").ref)).health == ComponentHealth::missing);
  ::unsetenv("MARGO_AGENT_SECRET");
  std::ifstream in(seen);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("PWD=", 0) != 0) lines.push_back(line);  // the shell sets PWD itself
  std::sort(lines.begin(), lines.end());
  const std::string work = rig.settings().work_directory;
  CHECK(lines == std::vector<std::string>{"HELM_CACHE_HOME=" + work + "/helm-home/cache",
                                          "HELM_CONFIG_HOME=" + work + "/helm-home/config",
                                          "HELM_DATA_HOME=" + work + "/helm-home/data", "HOME=" + rig.root(),
                                          "HTTPS_PROXY=http://proxy.test:3128"});
}

TEST_CASE("without a configured HOME, helm gets one under the work directory", "[helm]") {
  TempDirectory bin;
  const std::string script = bin.path() + "/helm";
  const std::string seen = bin.path() + "/home.txt";
  std::ofstream(script) << "#!/bin/sh\n"
                           "case \"$1\" in\n"
                           "  version) echo v3.14.4+ghome ;;\n"
                           "  *) echo \"$HOME\" > " +
                               seen +
                               "; echo 'Error: release: not found' >&2; exit 1 ;;\n"
                               "esac\n";
  ::chmod(script.c_str(), 0755);
  HelmRig rig([&](HelmSettings& settings) {
    settings.helm_path = script;
    settings.environment.clear();
  });
  CHECK(require_observation(rig.inspect(rig.component("web").ref)).health == ComponentHealth::missing);
  std::ifstream in(seen);
  std::string home;
  std::getline(in, home);
  CHECK(home == rig.settings().work_directory + "/helm-home/home");
}
