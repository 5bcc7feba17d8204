#pragma once
// ApplicationDeployment YAMLs for scenarios, written from a compact description, so a scenario file
// can say "d-1: compose, components web and db, revision 2" instead of spelling out the document.

#include <map>
#include <string>
#include <vector>

namespace margo::sim {

struct DeploymentDescription {
  std::string id;
  std::string type = "compose";  // compose | helm | helm.v3
  std::string name;              // metadata.name; the id when empty
  std::string namespace_name = "default";
  std::vector<std::string> components = {"app"};
  std::string revision = "1";  // goes into each component's properties: a new revision, a new digest
  std::map<std::string, std::string> parameters;  // pointer -> value, for every component
  bool id_in_annotations = false;                 // the older shape: metadata.annotations.id
  std::string raw_yaml;                           // when set, served as is (invalid documents for tests)
};

std::string deployment_yaml(const DeploymentDescription& description);

}  // namespace margo::sim
