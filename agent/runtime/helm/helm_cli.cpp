#include "agent/runtime/helm/helm_cli.hpp"

#include "agent/runtime/helm/helm_errors.hpp"

namespace margo {

HelmCli::HelmCli(ProcessRunner& processes, const HelmSettings& settings)
    : processes_(processes), settings_(settings), environment_(settings.environment) {
  // Without these helm would write under $HOME (which the agent may not have) or fail to start.
  if (!settings_.work_directory.empty()) {
    const std::string base = settings_.work_directory + "/helm-home/";
    environment_.try_emplace("HELM_CACHE_HOME", base + "cache");
    environment_.try_emplace("HELM_CONFIG_HOME", base + "config");
    environment_.try_emplace("HELM_DATA_HOME", base + "data");
    // The Kubernetes client caches API discovery under $HOME/.kube; without HOME it would use the
    // agent's working directory.
    environment_.try_emplace("HOME", base + "home");
  }
}

void HelmCli::run(std::vector<std::string> args, Duration timeout, Callback<ProcessResult> done) {
  ProcessSpec spec;
  spec.argv.reserve(args.size() + 1);
  spec.argv.push_back(settings_.helm_path);
  spec.argv.insert(spec.argv.end(), std::make_move_iterator(args.begin()),
                   std::make_move_iterator(args.end()));
  spec.environment = environment_;
  spec.timeout = timeout;
  // `helm status -o json` includes the chart's templates and files (base64): big charts print megabytes.
  spec.max_output_bytes = kHelmOutputLimit;
  const std::string command = spec.argv.size() > 1 ? spec.argv[1] : "";
  processes_.run(std::move(spec), [helm_path = settings_.helm_path, command,
                                   done = std::move(done)](Result<ProcessResult> result) {
    if (!result) return done(helm_start_error(result.error(), helm_path));
    // Half a JSON document would only fail to parse; say why instead.
    if (result->output_truncated && result->exit_code == 0)
      return done(retryable_error("helm.invalid_output", "helm " + command + " printed more than " +
                                                             std::to_string(kHelmOutputLimit >> 20) +
                                                             " MiB; the output was cut"));
    done(std::move(result).value());
  });
}

}  // namespace margo
