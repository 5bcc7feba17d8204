#include "agent/runtime/helm/helm_arguments.hpp"

namespace margo {
namespace {

void add_cluster_flags(std::vector<std::string>& args, const HelmSettings& settings,
                       const HelmTarget& target) {
  args.insert(args.end(), {"--namespace", target.namespace_name});
  if (!settings.kubeconfig_path.empty()) args.insert(args.end(), {"--kubeconfig", settings.kubeconfig_path});
}

}  // namespace

std::string go_duration(Duration duration) {
  std::int64_t ms = duration.count();
  if (ms <= 0) return "0s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  std::string text;
  const std::int64_t hours = ms / 3'600'000;
  ms %= 3'600'000;
  const std::int64_t minutes = ms / 60'000;
  ms %= 60'000;
  if (hours > 0) text += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) text += std::to_string(minutes) + "m";
  text += std::to_string(ms / 1000);
  if (const std::int64_t fraction = ms % 1000; fraction != 0) {
    std::string digits = std::to_string(1000 + fraction).substr(1);  // zero-padded to 3 digits
    while (digits.back() == '0') digits.pop_back();
    text += "." + digits;
  }
  return text + "s";
}

std::vector<std::string> helm_version_args() {
  return {"version", "--short"};
}

std::vector<std::string> helm_status_args(const HelmSettings& settings, const HelmTarget& target) {
  std::vector<std::string> args{"status", target.release};
  add_cluster_flags(args, settings, target);
  args.insert(args.end(), {"-o", "json"});
  return args;
}

std::vector<std::string> helm_upgrade_args(const HelmSettings& settings, const HelmTarget& target,
                                           const ChartSource& chart, const std::string& values_file,
                                           const ComponentOptions& options) {
  std::vector<std::string> args{"upgrade", "--install", target.release, chart.chart};
  add_cluster_flags(args, settings, target);
  args.insert(args.end(), {"--create-namespace", "--values", values_file});
  if (!chart.repo_url.empty()) args.insert(args.end(), {"--repo", chart.repo_url});
  if (!chart.version.empty()) args.insert(args.end(), {"--version", chart.version});
  if (options.wait) args.push_back("--wait");
  args.insert(args.end(), {"--timeout", go_duration(options.timeout), "-o", "json"});
  return args;
}

std::vector<std::string> helm_rollback_args(const HelmSettings& settings, const HelmTarget& target,
                                            Duration timeout) {
  std::vector<std::string> args{"rollback", target.release};
  add_cluster_flags(args, settings, target);
  args.insert(args.end(), {"--timeout", go_duration(timeout)});
  return args;
}

std::vector<std::string> helm_uninstall_args(const HelmSettings& settings, const HelmTarget& target,
                                             Duration timeout) {
  std::vector<std::string> args{"uninstall", target.release};
  add_cluster_flags(args, settings, target);
  args.insert(args.end(), {"--wait", "--timeout", go_duration(timeout)});
  return args;
}

}  // namespace margo
