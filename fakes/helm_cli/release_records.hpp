#pragma once
// The pieces fake-helm commands share: command outcomes with helm's error format, release records
// shaped like helm's (what `helm status -o json` prints), chart lookup in charts.json, and helm's
// naming rules.

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "fakes/helm_cli/command_line.hpp"
#include "fakes/helm_cli/fake_helm_cluster.hpp"

namespace margo::fake {

struct CommandOutcome {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// exit 1, "Error: <message>" on stderr, as helm's main prints every error.
CommandOutcome helm_error(const std::string& message);

// --namespace, or "default".
std::string namespace_of(const HelmCommandLine& line);
// --timeout in milliseconds (default 5m0s), or the error text.
std::variant<long long, std::string> timeout_of(const HelmCommandLine& line);
// --output: "table" or "json" (fake-helm does not write YAML), or the error text.
std::variant<std::string, std::string> output_of(const HelmCommandLine& line);

bool is_valid_release_name(const std::string& name);
bool is_valid_namespace(const std::string& name);
inline const char* kReleaseNameRule =
    "invalid release name, must match regex "
    "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ "
    "and the length must not be longer than 53";

struct LocatedChart {
  std::string name;
  std::string version;
};
// The chart a CHART argument (with --repo and --version) names, or helm's error for a missing one.
std::variant<LocatedChart, std::string> locate_chart(const FakeHelmCluster& cluster, const std::string& chart,
                                                     const std::string& repo, const std::string& version);

struct RevisionFields {
  std::string name;
  std::string namespace_name;
  int version = 1;
  LocatedChart chart;
  nlohmann::json config;  // user-supplied values; omitted from the record when empty, as helm does
  std::string status;
  std::string description;
  std::string first_deployed;
  std::string last_deployed;
};
nlohmann::json make_revision(const RevisionFields& fields);

// `helm status` / install / upgrade output in the chosen format.
std::string print_release(const nlohmann::json& revision, const std::string& format);

}  // namespace margo::fake
