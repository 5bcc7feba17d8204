#include "fakes/wfm_server/deployments_dir.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace margo::wfm_server {
namespace {

std::string deployment_id_of(const std::string& yaml, const std::filesystem::path& file) {
  try {
    const YAML::Node document = YAML::Load(yaml);
    if (document["id"] && document["id"].IsScalar()) return document["id"].as<std::string>();
    const YAML::Node annotated = document["metadata"]["annotations"]["id"];
    if (annotated && annotated.IsScalar()) return annotated.as<std::string>();
  } catch (const YAML::Exception&) {
    // Not YAML we can read: the file name still identifies it, and the bytes are served as they are.
  }
  return file.stem().string();
}

}  // namespace

Result<std::vector<fake::DeploymentDocument>> load_deployments_dir(const std::string& directory) {
  std::error_code error;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    const auto extension = entry.path().extension();
    if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml"))
      files.push_back(entry.path());
  }
  if (error)
    return permanent_error("deployments.read",
                           "cannot list deployments directory '" + directory + "': " + error.message());
  std::sort(files.begin(), files.end());

  std::vector<fake::DeploymentDocument> deployments;
  for (const auto& file : files) {
    std::ifstream stream(file, std::ios::binary);
    std::ostringstream content;
    content << stream.rdbuf();
    if (!stream) return permanent_error("deployments.read", "cannot read '" + file.string() + "'");
    deployments.push_back({deployment_id_of(content.str(), file), content.str()});
  }
  return deployments;
}

}  // namespace margo::wfm_server
