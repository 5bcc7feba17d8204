#include "fakes/helm_cli/fake_helm.hpp"

#include <sys/stat.h>

#include "fakes/helm_cli/query_commands.hpp"
#include "fakes/helm_cli/release_commands.hpp"

namespace margo::fake {
namespace {

// helm's kubeconfig lookup: --kubeconfig, else the first file of $KUBECONFIG, else ~/.kube/config.
std::string kubeconfig_path(const HelmCommandLine& line, const FakeHelmEnvironment& environment) {
  if (line.has("kubeconfig")) return line.value("kubeconfig");
  if (!environment.kubeconfig.empty())
    return environment.kubeconfig.substr(0, environment.kubeconfig.find(':'));
  if (!environment.home.empty()) return environment.home + "/.kube/config";
  return "";
}

// helm warns on every command about a kubeconfig others can read.
std::string permission_warnings(const std::string& path) {
  struct stat info {};
  if (path.empty() || ::stat(path.c_str(), &info) != 0) return "";
  std::string warnings;
  if (info.st_mode & 0040)
    warnings +=
        "WARNING: Kubernetes configuration file is group-readable. This is insecure. Location: " + path +
        "\n";
  if (info.st_mode & 0004)
    warnings +=
        "WARNING: Kubernetes configuration file is world-readable. This is insecure. Location: " + path +
        "\n";
  return warnings;
}

// What helm puts in front of a reachability error, by command.
std::string unreachable_prefix(const HelmCommandLine& line) {
  if (line.command == "install") return "INSTALLATION FAILED: ";
  if (line.command == "upgrade" && !line.enabled("install")) return "UPGRADE FAILED: ";
  return "";
}

CommandOutcome dispatch(FakeHelmCluster& cluster, const HelmCommandLine& line) {
  if (line.command == "install") return run_install(cluster, line, false);
  if (line.command == "upgrade") return run_install(cluster, line, true);
  if (line.command == "rollback") return run_rollback(cluster, line);
  if (line.command == "uninstall") return run_uninstall(cluster, line);
  if (line.command == "status") return run_status(cluster, line);
  if (line.command == "get values") return run_get_values(cluster, line);
  if (line.command == "list") return run_list(cluster, line);
  return run_x_fake(cluster, line);
}

}  // namespace

CommandOutcome run_fake_helm(const std::vector<std::string>& args, const FakeHelmEnvironment& environment) {
  const auto parsed = parse_helm_command_line(args);
  if (const auto* error = std::get_if<std::string>(&parsed)) return helm_error(*error);
  const auto& line = std::get<HelmCommandLine>(parsed);

  const std::string kubeconfig = kubeconfig_path(line, environment);
  const std::string warnings = permission_warnings(kubeconfig);
  struct stat info {};
  const bool kubeconfig_exists = !kubeconfig.empty() && ::stat(kubeconfig.c_str(), &info) == 0;

  std::optional<FakeHelmCluster> cluster;
  if (kubeconfig_exists) {
    cluster.emplace(FakeHelmCluster::directory_for(kubeconfig));
    cluster->record_invocation(args);
  }

  CommandOutcome outcome;
  if (line.command == "version") {
    outcome = run_version(line);
  } else if (kubeconfig.empty()) {
    outcome = helm_error(unreachable_prefix(line) +
                         "Kubernetes cluster unreachable: Get \"http://localhost:8080/version\": dial tcp "
                         "127.0.0.1:8080: connect: connection refused");
  } else if (!kubeconfig_exists) {
    outcome = helm_error(unreachable_prefix(line) + "Kubernetes cluster unreachable: stat " + kubeconfig +
                         ": no such file or directory");
  } else if (cluster->unreachable()) {
    outcome = helm_error(unreachable_prefix(line) +
                         "Kubernetes cluster unreachable: Get \"https://127.0.0.1:6443/version\": dial tcp "
                         "127.0.0.1:6443: connect: connection refused");
  } else {
    outcome = dispatch(*cluster, line);
  }
  outcome.err = warnings + outcome.err;
  return outcome;
}

}  // namespace margo::fake
