// What a failed helm command means: classification by helm's own words, with the words kept.

#include <catch2/catch.hpp>

#include "agent/runtime/helm/helm_errors.hpp"

using namespace margo;

namespace {

ProcessResult exited(int code, const std::string& stderr_text) {
  ProcessResult result;
  result.exit_code = code;
  result.stderr_data = stderr_text;
  return result;
}

}  // namespace

TEST_CASE("helm's reasons map to error codes and classes") {
  struct Case {
    HelmCommand command;
    std::string stderr_text;
    std::string code;
    ErrorClass error_class;
  };
  const Case cases[] = {
      {HelmCommand::install,
       "Error: Kubernetes cluster unreachable: Get \"https://127.0.0.1:6443/version\": connection refused",
       "runtime.unavailable", ErrorClass::retryable},
      {HelmCommand::upgrade, "Error: UPGRADE FAILED: Kubernetes cluster unreachable: stat /k: no such file",
       "runtime.unavailable", ErrorClass::retryable},
      {HelmCommand::status, "Error: kubernetes cluster unreachable", "runtime.unavailable",
       ErrorClass::retryable},
      {HelmCommand::install, "Error: context deadline exceeded", "helm.timeout", ErrorClass::retryable},
      {HelmCommand::upgrade, "Error: UPGRADE FAILED: timed out waiting for the condition", "helm.timeout",
       ErrorClass::retryable},
      {HelmCommand::install, "Error: could not locate a version matching provided version string 9.9.9",
       "helm.chart_not_found", ErrorClass::permanent},
      {HelmCommand::install,
       "Error: GET \"https://r.test/v2/charts/x/tags/list\": response status code 404: name unknown",
       "helm.chart_not_found", ErrorClass::permanent},
      {HelmCommand::upgrade,
       "Error: chart \"web\" version \"2.0.0\" not found in https://charts.test repository",
       "helm.chart_not_found", ErrorClass::permanent},
      {HelmCommand::install, "Error: Unable to locate any tags in provided repository: oci://r.test/c/x",
       "helm.chart_not_found", ErrorClass::permanent},
      {HelmCommand::install, "Error: INSTALLATION FAILED: admission webhook denied the request",
       "helm.install_failed", ErrorClass::retryable},
      {HelmCommand::upgrade,
       "Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress",
       "helm.upgrade_failed", ErrorClass::retryable},
      {HelmCommand::rollback, "Error: release has no 0 version", "helm.upgrade_failed",
       ErrorClass::retryable},
      {HelmCommand::uninstall, "Error: uninstallation completed with 1 error(s): boom",
       "helm.uninstall_failed", ErrorClass::retryable},
      {HelmCommand::status, "Error: something odd", "helm.status_failed", ErrorClass::retryable},
      {HelmCommand::version, "Error: plugin broke", "runtime.unavailable", ErrorClass::retryable},
      // "not found" about something other than a chart is not a missing chart.
      {HelmCommand::install, "Error: create: failed to create: namespaces \"x\" not found",
       "helm.install_failed", ErrorClass::retryable},
  };
  for (const auto& c : cases) {
    INFO(c.stderr_text);
    const Error error = helm_failure(c.command, "web-1234", exited(1, c.stderr_text));
    CHECK(error.code == c.code);
    CHECK(error.error_class == c.error_class);
    CHECK(error.message.find("web-1234") != std::string::npos);
    CHECK(error.message.find(c.stderr_text) != std::string::npos);
  }
}

TEST_CASE("a helm killed at its time limit is a timeout, one killed otherwise names the signal") {
  ProcessResult killed = exited(-1, "");
  killed.signal = 15;
  killed.timed_out = true;
  CHECK(helm_failure(HelmCommand::upgrade, "web", killed).code == "helm.timeout");
  killed.timed_out = false;
  killed.signal = 9;
  const Error error = helm_failure(HelmCommand::install, "web", killed);
  CHECK(error.code == "helm.install_failed");
  CHECK(error.message.find("signal 9") != std::string::npos);
}

TEST_CASE("release-not-found is recognised in status and uninstall wording only when helm failed") {
  CHECK(is_release_not_found(exited(1, "Error: release: not found\n")));
  CHECK(is_release_not_found(exited(1, "Error: uninstall: Release not loaded: web: release: not found\n")));
  CHECK_FALSE(is_release_not_found(exited(0, "release: not found")));
  CHECK_FALSE(is_release_not_found(exited(1, "Error: Kubernetes cluster unreachable")));
}

TEST_CASE("stderr is trimmed and capped, keeping the end where helm's Error line is") {
  CHECK(stderr_excerpt("  \n Error: x \n\n") == "Error: x");
  CHECK(stderr_excerpt("") == "(nothing on stderr)");
  CHECK(stderr_excerpt(" \n\t ") == "(nothing on stderr)");
  const std::string noisy = std::string(5000, 'w') + "\nError: the real reason";
  const std::string excerpt = stderr_excerpt(noisy);
  CHECK(excerpt.size() <= 1003);
  CHECK(excerpt.rfind("...", 0) == 0);
  CHECK(excerpt.find("Error: the real reason") != std::string::npos);
}

TEST_CASE("a helm that cannot be started makes the runtime unavailable") {
  const Error missing =
      helm_start_error(permanent_error("process.not_found", "program 'helm' not found"), "helm");
  CHECK(missing.code == "runtime.unavailable");
  CHECK(missing.retryable());
  CHECK(missing.message.find("helm CLI not found") != std::string::npos);
  const Error broken = helm_start_error(retryable_error("process.start_failed", "fork failed"), "/opt/helm");
  CHECK(broken.code == "runtime.unavailable");
  CHECK(broken.message.find("/opt/helm") != std::string::npos);
}
