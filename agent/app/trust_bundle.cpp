#include "agent/app/trust_bundle.hpp"

#include "agent/core/durable_file.hpp"
#include "agent/core/paths.hpp"

namespace margo {
namespace {

constexpr std::size_t kMaxCaBytes = 4 * 1024 * 1024;

}  // namespace

Result<std::string> prepare_trust_bundle(const AgentConfig& config, FileSystem& fs,
                                         const std::string& fetched_root_ca) {
  const auto& tls = config.wfm.tls_helper;
  if (!tls.enabled) return std::string();
  auto fetched = fs.read_file(fetched_root_ca, kMaxCaBytes);
  if (!fetched) {
    if (fetched.error().code == "fs.not_found") return tls.ca_path;
    return fetched.error();
  }
  auto configured = fs.read_file(tls.ca_path, kMaxCaBytes);
  if (!configured) return configured.error();
  std::string bundle = *configured;
  if (!bundle.empty() && bundle.back() != '\n') bundle += '\n';
  bundle += *fetched;
  const std::string path = join_path(config.data_dir, "trust-bundle.pem");
  if (auto written = write_file_durably(fs, path, bundle, 0600); !written) return written.error();
  return path;
}

}  // namespace margo
