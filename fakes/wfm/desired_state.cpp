#include "fakes/wfm/desired_state.hpp"

#include <nlohmann/json.hpp>

#include "fakes/wfm/bundle_archive.hpp"
#include "fakes/wfm/openssl_codec.hpp"

namespace margo::fake {
namespace {

bool valid_deployment_id(const std::string& id) {
  if (id.empty() || id.size() > 95 || id == "." || id == "..") return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '~' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Error unknown_client(const std::string& client_id) {
  return permanent_error("fake.unknown_client", "no client '" + client_id + "' has onboarded");
}

}  // namespace

Result<std::shared_ptr<const DesiredStateStore::Snapshot>> DesiredStateStore::store(
    std::vector<DeploymentDocument> deployments) {
  std::set<std::string> ids;
  for (const auto& deployment : deployments) {
    if (!valid_deployment_id(deployment.deployment_id))
      return permanent_error("fake.invalid_deployments", "deploymentId '" + deployment.deployment_id +
                                                             "' is not 1-95 of [A-Za-z0-9._~-]");
    if (!ids.insert(deployment.deployment_id).second)
      return permanent_error("fake.invalid_deployments",
                             "deploymentId '" + deployment.deployment_id + "' repeats");
  }
  // Only a valid set is stored: content of a refused one never becomes fetchable.
  auto snapshot = std::make_shared<Snapshot>();
  std::vector<BundleFile> files;
  for (auto& deployment : deployments) {
    const std::string digest = margo_digest(deployment.yaml);
    snapshot->deployments.push_back({deployment.deployment_id, digest, deployment.yaml.size()});
    deployment_ids_by_digest_[digest].insert(deployment.deployment_id);
    files.push_back({deployment.deployment_id + ".yaml", deployment.yaml});
    yaml_by_digest_[digest] = std::move(deployment.yaml);
  }
  if (!files.empty()) {
    std::string bundle = build_bundle(files);
    snapshot->bundle_digest = margo_digest(bundle);
    snapshot->bundle_size = bundle.size();
    bundle_by_digest_[snapshot->bundle_digest] = std::move(bundle);
  }
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

void DesiredStateStore::bump(ClientState& client, std::shared_ptr<const Snapshot> snapshot) {
  ++client.version;
  if (snapshot) client.snapshot = std::move(snapshot);
  client.cached.reset();
}

Status DesiredStateStore::set_for_all(std::vector<DeploymentDocument> deployments) {
  auto snapshot = store(std::move(deployments));
  if (!snapshot) return snapshot.error();
  default_snapshot_ = *snapshot;
  for (auto& [id, client] : clients_) bump(client, *snapshot);
  return {};
}

Status DesiredStateStore::set_for_client(const std::string& client_id,
                                         std::vector<DeploymentDocument> deployments) {
  const auto found = clients_.find(client_id);
  if (found == clients_.end()) return unknown_client(client_id);
  auto snapshot = store(std::move(deployments));
  if (!snapshot) return snapshot.error();
  bump(found->second, *snapshot);
  return {};
}

void DesiredStateStore::add_client(const std::string& client_id) {
  if (!has_client(client_id)) clients_[client_id] = ClientState{1, default_snapshot_, std::nullopt};
}

std::optional<std::uint64_t> DesiredStateStore::manifest_version(const std::string& client_id) const {
  const auto found = clients_.find(client_id);
  if (found == clients_.end()) return std::nullopt;
  return found->second.version;
}

void DesiredStateStore::force_version(std::uint64_t version) {
  for (auto& [id, client] : clients_) {
    client.version = version;
    client.cached.reset();
  }
}

Status DesiredStateStore::force_version(const std::string& client_id, std::uint64_t version) {
  const auto found = clients_.find(client_id);
  if (found == clients_.end()) return unknown_client(client_id);
  found->second.version = version;
  found->second.cached.reset();
  return {};
}

void DesiredStateStore::set_raw_bundle(std::optional<std::string> bytes) {
  if (bytes) {
    const std::string digest = margo_digest(*bytes);
    raw_bundle_.emplace(digest, bytes->size());
    bundle_by_digest_[digest] = std::move(*bytes);
  } else {
    raw_bundle_.reset();
  }
  for (auto& [id, client] : clients_) bump(client, nullptr);
}

void DesiredStateStore::override_artifact(const std::string& digest, std::string bytes) {
  overrides_[digest] = std::move(bytes);
}

void DesiredStateStore::hide_artifact(const std::string& digest) {
  hidden_.insert(digest);
}

void DesiredStateStore::clear_artifact_overrides() {
  overrides_.clear();
  hidden_.clear();
}

const ManifestDocument& DesiredStateStore::manifest(const std::string& client_id) {
  ClientState& client = clients_.at(client_id);
  if (client.cached) return *client.cached;

  const std::string client_path = base_path_ + "/api/v1/clients/" + client_id;
  nlohmann::json deployments = nlohmann::json::array();
  for (const auto& entry : client.snapshot->deployments) {
    deployments.push_back({
        {"deploymentId", entry.deployment_id},
        {"digest", entry.digest},
        {"sizeBytes", entry.size},
        {"url", client_path + "/deployments/" + entry.deployment_id + "/" + entry.digest},
    });
  }
  nlohmann::json bundle = nullptr;
  if (!client.snapshot->deployments.empty()) {
    const auto [digest, size] =
        raw_bundle_.value_or(std::make_pair(client.snapshot->bundle_digest, client.snapshot->bundle_size));
    bundle = {
        {"mediaType", bundle_media_type},
        {"digest", digest},
        {"sizeBytes", size},
        {"url", client_path + "/bundles/" + digest},
    };
  }
  const nlohmann::json manifest = {
      {"manifestVersion", client.version},
      {"bundle", bundle},
      {"deployments", deployments},
  };
  ManifestDocument document;
  document.body = manifest.dump();
  document.etag = "\"" + margo_digest(document.body) + "\"";
  client.cached = std::move(document);
  return *client.cached;
}

std::optional<std::string> DesiredStateStore::deployment_yaml(const std::string& deployment_id,
                                                              const std::string& digest) const {
  if (hidden_.count(digest) > 0) return std::nullopt;
  if (const auto found = overrides_.find(digest); found != overrides_.end()) return found->second;
  const auto ids = deployment_ids_by_digest_.find(digest);
  if (ids == deployment_ids_by_digest_.end() || ids->second.count(deployment_id) == 0) return std::nullopt;
  return yaml_by_digest_.at(digest);
}

std::optional<std::string> DesiredStateStore::bundle(const std::string& digest) const {
  if (hidden_.count(digest) > 0) return std::nullopt;
  if (const auto found = overrides_.find(digest); found != overrides_.end()) return found->second;
  const auto found = bundle_by_digest_.find(digest);
  if (found == bundle_by_digest_.end()) return std::nullopt;
  return found->second;
}

}  // namespace margo::fake
