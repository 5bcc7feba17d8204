#include "fakes/helm_cli/release_records.hpp"

namespace margo::fake {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_dns_label(const std::string& label) {
  if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back())) return false;
  for (const char c : label)
    if (!is_lower_alnum(c) && c != '-') return false;
  return true;
}

}  // namespace

CommandOutcome helm_error(const std::string& message) {
  return {1, "", "Error: " + message + "\n"};
}

std::string namespace_of(const HelmCommandLine& line) {
  return line.value("namespace", "default");
}

std::variant<long long, std::string> timeout_of(const HelmCommandLine& line) {
  if (!line.has("timeout")) return 300'000LL;
  const std::string text = line.value("timeout");
  if (const auto parsed = parse_go_duration_ms(text)) return *parsed;
  return "invalid argument \"" + text + "\" for \"--timeout\" flag: time: invalid duration \"" + text + "\"";
}

std::variant<std::string, std::string> output_of(const HelmCommandLine& line) {
  const std::string format = line.value("output", "table");
  if (format == "table" || format == "json")
    return std::variant<std::string, std::string>(std::in_place_index<0>, format);
  if (format == "yaml")
    return std::variant<std::string, std::string>(std::in_place_index<1>,
                                                  "fake-helm does not write YAML (-o yaml)");
  return std::variant<std::string, std::string>(
      std::in_place_index<1>,
      "invalid argument \"" + format + "\" for \"-o, --output\" flag: invalid format type");
}

bool is_valid_release_name(const std::string& name) {
  if (name.empty() || name.size() > 53) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = name.find('.', start);
    if (!is_dns_label(name.substr(start, dot == std::string::npos ? dot : dot - start))) return false;
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

bool is_valid_namespace(const std::string& name) {
  return name.size() <= 63 && is_dns_label(name);
}

std::variant<LocatedChart, std::string> locate_chart(const FakeHelmCluster& cluster, const std::string& chart,
                                                     const std::string& repo, const std::string& version) {
  // The chart's name is the last path segment of the reference; the latest version is listed last.
  auto pick = [&](const std::vector<std::string>& versions,
                  const std::string& missing) -> std::variant<LocatedChart, std::string> {
    std::string reference = chart;
    while (!reference.empty() && reference.back() == '/') reference.pop_back();
    const std::string name = reference.substr(reference.rfind('/') + 1);
    if (version.empty() && !versions.empty()) return LocatedChart{name, versions.back()};
    for (const auto& candidate : versions)
      if (candidate == version) return LocatedChart{name, candidate};
    return missing;
  };
  if (!repo.empty()) {
    std::string url = repo;
    while (!url.empty() && url.back() == '/') url.pop_back();
    std::string what = "chart \"" + chart + "\"";
    if (!version.empty()) what += " version \"" + version + "\"";
    const std::string missing = what + " not found in " + url + " repository";
    const auto versions = cluster.chart_versions(url + "/" + chart);
    if (!versions) return missing;
    return pick(*versions, missing);
  }
  if (chart.rfind("oci://", 0) == 0) {
    std::string reference = chart;
    while (!reference.empty() && reference.back() == '/') reference.pop_back();
    const std::string location = reference.substr(6);
    const std::size_t slash = location.find('/');
    const auto versions = cluster.chart_versions(reference);
    if (!versions || slash == std::string::npos)
      return "GET \"https://" + location.substr(0, slash) + "/v2/" +
             (slash == std::string::npos ? std::string() : location.substr(slash + 1)) +
             "/tags/list\": response status code 404: name unknown: repository name not known to registry";
    if (versions->empty()) return "Unable to locate any tags in provided repository: " + reference;
    return pick(*versions, "could not locate a version matching provided version string " + version);
  }
  if (chart.find('/') != std::string::npos) return "repo " + chart.substr(0, chart.find('/')) + " not found";
  return "non-absolute URLs should be in form of repo_name/path_to_chart, got: " + chart;
}

nlohmann::json make_revision(const RevisionFields& fields) {
  nlohmann::json revision = {{"name", fields.name},
                             {"info",
                              {{"first_deployed", fields.first_deployed},
                               {"last_deployed", fields.last_deployed},
                               {"deleted", ""},
                               {"description", fields.description},
                               {"status", fields.status},
                               {"notes", "Thank you for installing " + fields.chart.name + ".\n"}}},
                             {"chart",
                              {{"metadata",
                                {{"name", fields.chart.name},
                                 {"version", fields.chart.version},
                                 {"description", "A chart served by fake-helm"},
                                 {"apiVersion", "v2"},
                                 {"appVersion", fields.chart.version},
                                 {"type", "application"}}},
                               {"lock", nullptr},
                               {"templates", nlohmann::json::array()},
                               {"values", nlohmann::json::object()},
                               {"schema", nullptr},
                               {"files", nlohmann::json::array()}}},
                             {"manifest", "---\n# Source: " + fields.chart.name +
                                              "/templates/configmap.yaml\napiVersion: v1\nkind: ConfigMap\n"
                                              "metadata:\n  name: " +
                                              fields.name + "\n  namespace: " + fields.namespace_name + "\n"},
                             {"version", fields.version},
                             {"namespace", fields.namespace_name}};
  if (fields.config.is_object() && !fields.config.empty()) revision["config"] = fields.config;
  return revision;
}

std::string print_release(const nlohmann::json& revision, const std::string& format) {
  if (format == "json") return revision.dump() + "\n";
  const auto& info = revision.at("info");
  return "NAME: " + revision.value("name", "") + "\nLAST DEPLOYED: " + info.value("last_deployed", "") +
         "\nNAMESPACE: " + revision.value("namespace", "") + "\nSTATUS: " + info.value("status", "") +
         "\nREVISION: " + std::to_string(revision.value("version", 0)) + "\nTEST SUITE: None\nNOTES:\n" +
         info.value("notes", "");
}

}  // namespace margo::fake
