// The ApplicationDeployment parser (yaml-cpp underneath): YAML bytes from the WFM.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/core/application_deployment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed =
      margo::parse_application_deployment(std::string_view(reinterpret_cast<const char*>(data), size), "d1");
  if (parsed) {
    for (const auto& component : parsed->components)
      (void)margo::component_parameters(*parsed, component.name);
  }
  return 0;
}
