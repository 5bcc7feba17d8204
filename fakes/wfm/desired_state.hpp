#pragma once
// The desired state the fake WFM serves: per client a manifestVersion and a set of deployments, the
// manifest built from them, and the content-addressed YAMLs and bundles it points to. Everything ever
// served stays fetchable by digest, so a client never races a change between manifest and fetch.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo::fake {

struct DeploymentDocument {
  std::string deployment_id;  // [A-Za-z0-9._~-]{1,95}: it names a file in the bundle
  std::string yaml;           // served byte for byte
};

struct ManifestDocument {
  std::string body;  // application/vnd.margo.manifest.v1+json
  std::string etag;  // "\"sha256:<hex of body>\""
};

inline constexpr const char* bundle_media_type = "application/vnd.margo.bundle.v1+tar+gzip";

class DesiredStateStore {
 public:
  explicit DesiredStateStore(std::string base_path) : base_path_(std::move(base_path)) {}

  // Sets the deployments of every known client (each one's manifestVersion goes up by one) and of
  // clients added later. Errors: fake.invalid_deployments (bad or repeated deploymentId).
  Status set_for_all(std::vector<DeploymentDocument> deployments);
  // Errors: fake.invalid_deployments, fake.unknown_client.
  Status set_for_client(const std::string& client_id, std::vector<DeploymentDocument> deployments);

  // A new client starts at manifestVersion 1 with the deployments set for all. No-op when known.
  void add_client(const std::string& client_id);
  bool has_client(const std::string& client_id) const { return clients_.count(client_id) > 0; }
  std::optional<std::uint64_t> manifest_version(const std::string& client_id) const;

  // Sets the manifestVersion outright (a rollback, or a WFM whose database was reset); later changes
  // count up from it.
  void force_version(std::uint64_t version);
  Status force_version(const std::string& client_id, std::uint64_t version);

  // Serve these bytes as the bundle of every non-empty desired state (the manifest names their digest),
  // e.g. a hostile archive; nullopt goes back to built bundles. Every client's version goes up by one.
  void set_raw_bundle(std::optional<std::string> bytes);
  // Serve other bytes for a digest (a digest mismatch for the client), or answer 404 for it.
  void override_artifact(const std::string& digest, std::string bytes);
  void hide_artifact(const std::string& digest);
  void clear_artifact_overrides();

  // The client must be known.
  const ManifestDocument& manifest(const std::string& client_id);
  std::optional<std::string> deployment_yaml(const std::string& deployment_id,
                                             const std::string& digest) const;
  std::optional<std::string> bundle(const std::string& digest) const;

 private:
  struct Entry {
    std::string deployment_id;
    std::string digest;
    std::size_t size = 0;
  };
  struct Snapshot {
    std::vector<Entry> deployments;
    std::string bundle_digest;  // empty when there are no deployments
    std::size_t bundle_size = 0;
  };
  struct ClientState {
    std::uint64_t version = 1;
    std::shared_ptr<const Snapshot> snapshot;
    std::optional<ManifestDocument> cached;
  };

  Result<std::shared_ptr<const Snapshot>> store(std::vector<DeploymentDocument> deployments);
  void bump(ClientState& client, std::shared_ptr<const Snapshot> snapshot);

  std::string base_path_;
  std::shared_ptr<const Snapshot> default_snapshot_ = std::make_shared<Snapshot>();
  std::map<std::string, ClientState> clients_;
  std::optional<std::pair<std::string, std::size_t>> raw_bundle_;  // digest, size
  std::map<std::string, std::string> yaml_by_digest_;
  std::map<std::string, std::set<std::string>> deployment_ids_by_digest_;
  std::map<std::string, std::string> bundle_by_digest_;
  std::map<std::string, std::string> overrides_;
  std::set<std::string> hidden_;
};

}  // namespace margo::fake
