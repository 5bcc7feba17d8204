// config.yaml: the operator's file, parsed with every problem collected.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/app/config/config_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)margo::parse_config(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
  return 0;
}
