#include "fakes/helm_cli/release_commands.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "fakes/helm_cli/values_input.hpp"

namespace margo::fake {
namespace {

constexpr const char* kDeadline = "context deadline exceeded";

// The crash knob: what a helm killed mid-operation leaves behind is already on disk.
void crash_if_told(FakeHelmCluster& cluster, const std::string& operation) {
  if (cluster.take_crash(operation)) ::kill(::getpid(), SIGKILL);
}

// The delay knob, honouring --timeout. True when the command ran past its timeout. The only sleep in
// fake-helm: it stands in for a slow cluster.
bool wait_out_delay(FakeHelmCluster& cluster, const std::string& operation, long long timeout_ms) {
  const long long delay = cluster.delay(operation).count();
  if (delay <= 0) return false;
  std::this_thread::sleep_for(std::chrono::milliseconds(std::min(delay, timeout_ms)));
  return delay > timeout_ms;
}

bool is_pending(const std::string& status) {
  return status == "pending-install" || status == "pending-upgrade" || status == "pending-rollback";
}

std::string status_of(const nlohmann::json& revision) {
  return revision.at("info").value("status", "");
}

// Sets the status of the revision numbered `version` in the stored history; returns that revision.
nlohmann::json finish_revision(FakeHelmCluster& cluster, const std::string& ns, const std::string& name,
                               int version, const std::string& status, const std::string& description,
                               bool supersede_others) {
  FakeHelmCluster::Lock lock(cluster);
  auto revisions = cluster.history(ns, name);
  nlohmann::json finished;
  for (auto& revision : revisions) {
    if (revision.value("version", 0) == version) {
      revision["info"]["status"] = status;
      revision["info"]["description"] = description;
      finished = revision;
    } else if (supersede_others && (status_of(revision) == "deployed" || is_pending(status_of(revision)))) {
      revision["info"]["status"] = "superseded";
    }
  }
  cluster.save_history(ns, name, revisions);
  return finished;
}

}  // namespace

CommandOutcome run_install(FakeHelmCluster& cluster, const HelmCommandLine& line, bool upgrade_command) {
  const std::string verb = upgrade_command ? "upgrade" : "install";
  if (line.args.size() != 2)
    return helm_error("\"helm " + verb + "\" requires 2 arguments\n\nUsage:  helm " + verb +
                      " [RELEASE] [CHART] [flags]");
  const std::string& name = line.args[0];
  const std::string ns = namespace_of(line);
  const auto timeout = timeout_of(line);
  if (const auto* error = std::get_if<std::string>(&timeout)) return helm_error(*error);
  const auto format = output_of(line);
  if (format.index() == 1) return helm_error(std::get<1>(format));

  bool install_path = true;
  std::string prefix = "INSTALLATION FAILED: ";  // what `helm install` puts before every failure
  std::string setup_prefix = prefix;             // before chart and values errors
  int version = 1;
  std::string first_deployed;
  {
    FakeHelmCluster::Lock lock(cluster);
    const auto revisions = cluster.history(ns, name);
    if (upgrade_command) {
      setup_prefix = "";  // `helm upgrade` locates the chart before its action and returns errors as they are
      install_path =
          line.enabled("install") && (revisions.empty() || status_of(revisions.back()) == "uninstalled");
      prefix = install_path ? "" : "UPGRADE FAILED: ";
    } else if (!revisions.empty()) {
      return helm_error(prefix + "cannot re-use a name that is still in use");
    }
    if (install_path && !is_valid_release_name(name))
      return helm_error(prefix + "release name \"" + name + "\": " + kReleaseNameRule);
    if (!install_path) {
      if (revisions.empty()) return helm_error(prefix + "\"" + name + "\" has no deployed releases");
      if (is_pending(status_of(revisions.back())))
        return helm_error(prefix + "another operation (install/upgrade/rollback) is in progress");
      const bool any_deployed = std::any_of(revisions.begin(), revisions.end(), [](const nlohmann::json& r) {
        return status_of(r) == "deployed";
      });
      const std::string last = status_of(revisions.back());
      if (!any_deployed && last != "failed" && last != "superseded")
        return helm_error(prefix + "\"" + name + "\" has no deployed releases");
    }
    const auto chart = locate_chart(cluster, line.args[1], line.value("repo"), line.value("version"));
    if (const auto* error = std::get_if<std::string>(&chart)) return helm_error(setup_prefix + *error);
    const auto values = read_user_values(line);
    if (const auto* error = std::get_if<std::string>(&values)) return helm_error(setup_prefix + *error);
    if (install_path && !cluster.namespace_exists(ns)) {
      if (!line.enabled("create-namespace"))
        return helm_error(prefix + "create: failed to create: namespaces \"" + ns + "\" not found");
      if (!is_valid_namespace(ns))
        return helm_error(
            prefix + "namespaces \"" + ns + "\" is invalid: metadata.name: Invalid value: \"" + ns +
            "\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
            "'-', and must start and end with an alphanumeric character");
      cluster.create_namespace(ns);
    }
    const std::string now = cluster.next_timestamp();
    version = revisions.empty() ? 1 : revisions.back().value("version", 0) + 1;
    first_deployed =
        install_path || revisions.empty() ? now : revisions.front().at("info").value("first_deployed", now);
    auto stored = revisions;
    if (install_path) stored.clear();  // installing over an uninstalled release replaces its history
    stored.push_back(make_revision(
        {name, ns, version, std::get<LocatedChart>(chart), std::get<nlohmann::json>(values),
         install_path ? "pending-install" : "pending-upgrade",
         install_path ? "Initial install underway" : "Preparing upgrade", first_deployed, now}));
    cluster.save_history(ns, name, stored);
    crash_if_told(cluster, install_path ? "install" : "upgrade");
  }

  const std::string operation = install_path ? "install" : "upgrade";
  const std::string failed_as =
      install_path ? "Release \"" + name + "\" failed: " : "Upgrade \"" + name + "\" failed: ";
  if (const auto message = cluster.take_failure(operation)) {
    finish_revision(cluster, ns, name, version, "failed", failed_as + *message, false);
    return helm_error(prefix + *message);
  }
  if (wait_out_delay(cluster, operation, std::get<long long>(timeout))) {
    finish_revision(cluster, ns, name, version, "failed", failed_as + kDeadline, false);
    return helm_error(prefix + kDeadline);
  }
  const auto release = finish_revision(cluster, ns, name, version, "deployed",
                                       install_path ? "Install complete" : "Upgrade complete", true);
  std::string out;
  if (std::get<0>(format) == "table")
    out = upgrade_command ? (install_path ? "Release \"" + name + "\" does not exist. Installing it now.\n"
                                          : "Release \"" + name + "\" has been upgraded. Happy Helming!\n")
                          : "";
  return {0, out + print_release(release, std::get<0>(format)), ""};
}

CommandOutcome run_rollback(FakeHelmCluster& cluster, const HelmCommandLine& line) {
  if (line.args.empty() || line.args.size() > 2)
    return helm_error(
        "\"helm rollback\" requires at least 1 and at most 2 arguments\n\nUsage:  helm rollback "
        "<RELEASE> [REVISION] [flags]");
  const std::string& name = line.args[0];
  const std::string ns = namespace_of(line);
  const auto timeout = timeout_of(line);
  if (const auto* error = std::get_if<std::string>(&timeout)) return helm_error(*error);
  int target = 0;
  if (line.args.size() == 2) {
    const std::string& text = line.args[1];
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
      return helm_error("invalid revision number \"" + text + "\": strconv.Atoi: parsing \"" + text +
                        "\": invalid syntax");
    target = std::stoi(text);
  }
  int version = 0;
  {
    FakeHelmCluster::Lock lock(cluster);
    auto revisions = cluster.history(ns, name);
    if (revisions.empty()) return helm_error("release: not found");
    const int current = revisions.back().value("version", 0);
    if (target == 0) target = current - 1;
    const auto previous = std::find_if(revisions.begin(), revisions.end(), [&](const nlohmann::json& r) {
      return r.value("version", 0) == target;
    });
    if (previous == revisions.end())
      return helm_error("release has no " + std::to_string(target) + " version");
    if (const auto message = cluster.take_failure("rollback")) return helm_error(*message);
    nlohmann::json rolled = *previous;
    version = current + 1;
    rolled["version"] = version;
    rolled["info"]["status"] = "pending-rollback";
    rolled["info"]["description"] = "Rollback to " + std::to_string(target);
    rolled["info"]["last_deployed"] = cluster.next_timestamp();
    revisions.push_back(rolled);
    cluster.save_history(ns, name, revisions);
    crash_if_told(cluster, "rollback");
  }
  if (wait_out_delay(cluster, "rollback", std::get<long long>(timeout))) {
    finish_revision(cluster, ns, name, version, "failed", "Rollback \"" + name + "\" failed: " + kDeadline,
                    false);
    return helm_error(kDeadline);
  }
  finish_revision(cluster, ns, name, version, "deployed", "Rollback to " + std::to_string(target), true);
  return {0, "Rollback was a success! Happy Helming!\n", ""};
}

CommandOutcome run_uninstall(FakeHelmCluster& cluster, const HelmCommandLine& line) {
  if (line.args.empty())
    return helm_error(
        "\"helm uninstall\" requires at least 1 argument\n\nUsage:  helm uninstall RELEASE_NAME "
        "[...] [flags]");
  const std::string ns = namespace_of(line);
  const auto timeout = timeout_of(line);
  if (const auto* error = std::get_if<std::string>(&timeout)) return helm_error(*error);
  const bool keep_history = line.enabled("keep-history");
  CommandOutcome outcome;
  for (const std::string& name : line.args) {
    {
      FakeHelmCluster::Lock lock(cluster);
      auto revisions = cluster.history(ns, name);
      if (revisions.empty())
        return helm_error("uninstall: Release not loaded: " + name + ": release: not found");
      if (status_of(revisions.back()) == "uninstalled") {
        if (keep_history) return helm_error("the release named \"" + name + "\" is already deleted");
        cluster.save_history(ns, name, {});
        outcome.out += "release \"" + name + "\" uninstalled\n";
        continue;
      }
      if (const auto message = cluster.take_failure("uninstall"))
        return helm_error("uninstallation completed with 1 error(s): " + *message);
      revisions.back()["info"]["status"] = "uninstalling";
      revisions.back()["info"]["description"] = "Deletion in progress (or silently failed)";
      cluster.save_history(ns, name, revisions);
      crash_if_told(cluster, "uninstall");
    }
    const bool timed_out = wait_out_delay(cluster, "uninstall", std::get<long long>(timeout));
    {
      FakeHelmCluster::Lock lock(cluster);
      auto revisions = cluster.history(ns, name);
      if (keep_history && !revisions.empty()) {
        revisions.back()["info"]["status"] = "uninstalled";
        revisions.back()["info"]["description"] = "Uninstallation complete";
        revisions.back()["info"]["deleted"] = cluster.next_timestamp();
        cluster.save_history(ns, name, revisions);
      } else {
        cluster.save_history(ns, name, {});
      }
    }
    // helm deletes the release record even when waiting for the resources to go timed out.
    if (timed_out) return helm_error(std::string("uninstallation completed with 1 error(s): ") + kDeadline);
    outcome.out += "release \"" + name + "\" uninstalled\n";
  }
  return outcome;
}

}  // namespace margo::fake
