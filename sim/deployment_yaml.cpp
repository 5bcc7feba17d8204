#include "sim/deployment_yaml.hpp"

namespace margo::sim {

std::string deployment_yaml(const DeploymentDescription& d) {
  if (!d.raw_yaml.empty()) return d.raw_yaml;
  const std::string name = d.name.empty() ? d.id : d.name;
  std::string yaml = "apiVersion: application.margo.org/v1alpha1\nkind: ApplicationDeployment\n";
  if (!d.id_in_annotations) yaml += "id: " + d.id + "\n";
  yaml += "metadata:\n  name: " + name + "\n  namespace: " + d.namespace_name + "\n";
  if (d.id_in_annotations) yaml += "  annotations:\n    id: " + d.id + "\n    applicationId: " + name + "\n";
  yaml += "spec:\n  applicationId: " + name + "\n  deploymentProfile:\n    type: " + d.type +
          "\n    components:\n";
  for (const auto& component : d.components) {
    yaml += "      - name: " + component + "\n        properties:\n";
    if (d.type == "compose") {
      yaml += "          packageLocation: https://packages.sim.margo/" + d.id + "/" + component + "-" +
              d.revision + ".tar.gz\n";
    } else {
      yaml += "          repository: oci://charts.sim.margo/" + component + "\n          revision: \"" +
              d.revision + "\"\n";
    }
    yaml += "          wait: true\n          timeout: 2m0s\n";
  }
  if (!d.parameters.empty()) {
    yaml += "  parameters:\n";
    for (const auto& [pointer, value] : d.parameters) {
      yaml += "    " + pointer + ":\n      value: \"" + value +
              "\"\n      targets:\n        - pointer: " + pointer + "\n          components: [";
      for (std::size_t i = 0; i < d.components.size(); ++i) yaml += (i ? ", " : "") + d.components[i];
      yaml += "]\n";
    }
  }
  return yaml;
}

}  // namespace margo::sim
