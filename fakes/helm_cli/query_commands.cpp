#include "fakes/helm_cli/query_commands.hpp"

#include <algorithm>

namespace margo::fake {
namespace {

constexpr const char* kVersion = "v3.14.4";
constexpr const char* kCommit = "81c902a123462fd4052bc5e9aa9c513c4c8fc142";

CommandOutcome exactly_one_argument(const HelmCommandLine& line, const std::string& usage) {
  return helm_error("\"helm " + line.command + "\" requires 1 argument\n\nUsage:  helm " + line.command +
                    " " + usage);
}

// The revision `--revision N` names, or the latest; nullopt when there is none.
std::optional<nlohmann::json> find_revision(const FakeHelmCluster& cluster, const HelmCommandLine& line) {
  const auto revisions = cluster.history(namespace_of(line), line.args[0]);
  if (revisions.empty()) return std::nullopt;
  if (!line.has("revision") || line.value("revision") == "0") return revisions.back();
  for (const auto& revision : revisions)
    if (std::to_string(revision.value("version", 0)) == line.value("revision")) return revision;
  return std::nullopt;
}

// Go's time.Time.String() for the UTC timestamps fake-helm writes: "2024-01-01 00:00:05 +0000 UTC".
std::string go_time_string(const std::string& rfc3339) {
  if (rfc3339.size() < 20) return rfc3339;
  return rfc3339.substr(0, 10) + " " + rfc3339.substr(11, 8) + " +0000 UTC";
}

}  // namespace

CommandOutcome run_version(const HelmCommandLine& line) {
  if (line.enabled("short"))
    return {0, std::string(kVersion) + "+g" + std::string(kCommit).substr(0, 7) + "\n", ""};
  return {0,
          "version.BuildInfo{Version:\"" + std::string(kVersion) + "\", GitCommit:\"" + kCommit +
              "\", GitTreeState:\"clean\", GoVersion:\"go1.21.9\"}\n",
          ""};
}

CommandOutcome run_status(FakeHelmCluster& cluster, const HelmCommandLine& line) {
  if (line.args.size() != 1) return exactly_one_argument(line, "RELEASE_NAME [flags]");
  const auto format = output_of(line);
  if (format.index() == 1) return helm_error(std::get<1>(format));
  if (const auto message = cluster.take_failure("status")) return helm_error(*message);
  const auto revision = find_revision(cluster, line);
  if (!revision) return helm_error("release: not found");
  return {0, print_release(*revision, std::get<0>(format)), ""};
}

CommandOutcome run_get_values(FakeHelmCluster& cluster, const HelmCommandLine& line) {
  if (line.args.size() != 1) return exactly_one_argument(line, "RELEASE_NAME [flags]");
  const auto format = output_of(line);
  if (format.index() == 1) return helm_error(std::get<1>(format));
  const auto revision = find_revision(cluster, line);
  if (!revision) return helm_error("release: not found");
  // The charts fake-helm serves have no default values, so --all shows the same as the user's values.
  const nlohmann::json config = revision->value("config", nlohmann::json());
  if (std::get<0>(format) == "json") return {0, config.dump() + "\n", ""};
  return {0, "USER-SUPPLIED VALUES:\n" + (config.is_null() ? std::string("null") : config.dump(2)) + "\n",
          ""};
}

CommandOutcome run_list(FakeHelmCluster& cluster, const HelmCommandLine& line) {
  const auto format = output_of(line);
  if (format.index() == 1) return helm_error(std::get<1>(format));
  const bool all_namespaces = line.enabled("all-namespaces");
  const auto found = cluster.releases(all_namespaces ? std::nullopt : std::optional(namespace_of(line)));
  nlohmann::json listed = nlohmann::json::array();
  std::string table = "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n";
  for (const auto& [ns, name] : found) {
    const auto latest = cluster.latest(ns, name);
    if (!latest) continue;
    const std::string status = latest->at("info").value("status", "");
    // By default helm lists deployed and failed releases only; --all lists every state.
    if (!line.enabled("all") && status != "deployed" && status != "failed") continue;
    const auto& metadata = latest->at("chart").at("metadata");
    const nlohmann::json row = {{"name", name},
                                {"namespace", ns},
                                {"revision", std::to_string(latest->value("version", 0))},
                                {"updated", go_time_string(latest->at("info").value("last_deployed", ""))},
                                {"status", status},
                                {"chart", metadata.value("name", "") + "-" + metadata.value("version", "")},
                                {"app_version", metadata.value("appVersion", "")}};
    listed.push_back(row);
    table += name + "\t" + ns + "\t" + row["revision"].get<std::string>() + "\t" +
             row["updated"].get<std::string>() + "\t" + status + "\t" + row["chart"].get<std::string>() +
             "\t" + row["app_version"].get<std::string>() + "\n";
  }
  return {0, std::get<0>(format) == "json" ? listed.dump() + "\n" : table, ""};
}

CommandOutcome run_x_fake(FakeHelmCluster& cluster, const HelmCommandLine& line) {
  const std::string ns = namespace_of(line);
  if (line.command == "x-fake set-status") {
    if (line.args.size() != 2)
      return helm_error("usage: fake-helm x-fake set-status RELEASE STATUS [--description D]");
    if (!cluster.set_release_status(ns, line.args[0], line.args[1],
                                    line.value("description", "changed behind helm's back")))
      return helm_error("release: not found");
    return {0, "", ""};
  }
  if (line.args.size() != 1) return helm_error("usage: fake-helm x-fake delete RELEASE");
  if (!cluster.delete_release(ns, line.args[0])) return helm_error("release: not found");
  return {0, "", ""};
}

}  // namespace margo::fake
