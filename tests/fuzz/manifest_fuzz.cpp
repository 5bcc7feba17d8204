// The desired-state manifest parser: any bytes from the WFM.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/core/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)margo::parse_manifest(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
