#pragma once
// The verified ApplicationDeployment YAMLs, kept byte for byte under the data directory
// (deployments/<deploymentId>/<digest hex>.yaml) so the reconciler can work after a restart without
// fetching them again. Written durably before the state that refers to them.

#include <string>

#include "agent/ports/filesystem.hpp"

namespace margo {

class DeploymentStore {
 public:
  DeploymentStore(FileSystem& fs, std::string data_directory);

  // deployment_id must be URL-safe (the manifest parser guarantees it); digest is sha256:<hex>.
  Status store(const std::string& deployment_id, const std::string& digest, const std::string& yaml);
  Result<std::string> load(const std::string& deployment_id, const std::string& digest);
  // Removes the deployment's stored revisions except `keep_digest` (all when empty). Best effort:
  // a file left behind is only disk space.
  void prune(const std::string& deployment_id, const std::string& keep_digest = "");

 private:
  std::string directory(const std::string& deployment_id) const;
  std::string path(const std::string& deployment_id, const std::string& digest) const;

  FileSystem& fs_;
  std::string root_;
};

}  // namespace margo
