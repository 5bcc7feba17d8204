#include "agent/core/deployment_store.hpp"

#include "agent/core/durable_file.hpp"
#include "agent/core/paths.hpp"

namespace margo {
namespace {

constexpr std::size_t kMaxYamlBytes = 4 * 1024 * 1024;

std::string file_name(const std::string& digest) {
  const auto colon = digest.find(':');
  return (colon == std::string::npos ? digest : digest.substr(colon + 1)) + ".yaml";
}

}  // namespace

DeploymentStore::DeploymentStore(FileSystem& fs, std::string data_directory)
    : fs_(fs), root_(join_path(data_directory, "deployments")) {}

std::string DeploymentStore::directory(const std::string& deployment_id) const {
  return join_path(root_, deployment_id);
}

std::string DeploymentStore::path(const std::string& deployment_id, const std::string& digest) const {
  return join_path(directory(deployment_id), file_name(digest));
}

Status DeploymentStore::store(const std::string& deployment_id, const std::string& digest,
                              const std::string& yaml) {
  if (auto made = fs_.create_directories(directory(deployment_id), 0700); !made) return made;
  return write_file_durably(fs_, path(deployment_id, digest), yaml, 0600);
}

Result<std::string> DeploymentStore::load(const std::string& deployment_id, const std::string& digest) {
  return fs_.read_file(path(deployment_id, digest), kMaxYamlBytes);
}

void DeploymentStore::prune(const std::string& deployment_id, const std::string& keep_digest) {
  auto names = fs_.list_directory(directory(deployment_id));
  if (!names) return;
  const std::string keep = keep_digest.empty() ? "" : file_name(keep_digest);
  for (const auto& name : *names)
    if (name != keep) (void)fs_.remove(join_path(directory(deployment_id), name));
  if (keep.empty()) (void)fs_.remove(directory(deployment_id));
}

}  // namespace margo
