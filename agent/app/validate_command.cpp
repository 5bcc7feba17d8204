#include "agent/app/validate_command.hpp"

#include "agent/adapters/posix_filesystem.hpp"
#include "agent/app/agent_service.hpp"
#include "agent/app/config/config_loader.hpp"
#include "agent/app/device_identity.hpp"
#include "agent/wfm/signature_algorithm.hpp"

namespace margo {
namespace {

constexpr const char* kSignerKey = "wfm.clientPlugins.requestSigner";

ConfigProblem problem(const AgentConfig& config, std::string key, std::string reason) {
  return ConfigProblem{config.source_file, 0, 0, std::move(key), std::move(reason)};
}

}  // namespace

std::vector<ConfigProblem> check_credentials(const AgentConfig& config, FileSystem& fs) {
  std::vector<ConfigProblem> problems;
  auto identity = load_identity(config, fs);
  if (!identity) {
    const std::string key = identity.error().code.rfind("certificate", 0) == 0
                                ? "deviceRootIdentity.attestation.pki.pubCertPath"
                                : std::string(kSignerKey) + ".keyRef.path";
    problems.push_back(problem(config, key, identity.error().message));
  } else if (identity->has_value() && (*identity)->key && config.wfm.request_signer.enabled) {
    auto algorithm =
        resolve_signature_algorithm(to_string(config.wfm.request_signer.algorithm), *(*identity)->key);
    if (!algorithm)
      problems.push_back(
          problem(config, std::string(kSignerKey) + ".signatureAlgo", algorithm.error().message));
  }
  if (config.wfm.tls_helper.enabled) {
    auto ca = load_certificate(fs, config.wfm.tls_helper.ca_path);
    if (!ca)
      problems.push_back(problem(config, "wfm.clientPlugins.tlsHelper.caKeyRef.path", ca.error().message));
  }
  return problems;
}

int validate_command(const std::string& config_path, std::ostream& out) {
  const ConfigLoad loaded = load_config_file(config_path);
  std::vector<ConfigProblem> problems = loaded.problems;
  if (loaded.config) {
    PosixFileSystem fs;
    auto credentials = check_credentials(*loaded.config, fs);
    problems.insert(problems.end(), credentials.begin(), credentials.end());
  }
  for (const auto& warning : loaded.warnings) out << "warning: " << warning.to_string() << "\n";
  for (const auto& each : problems) out << each.to_string() << "\n";
  if (problems.empty()) {
    out << config_path << ": OK\n";
    return kExitOk;
  }
  out << config_path << ": " << problems.size() << " problem(s)\n";
  return kExitUsage;
}

}  // namespace margo
