// The bundle reader: gzip tar bytes from the WFM. Small limits so the fuzzer explores structure, not size.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/core/bundle_archive.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  margo::BundleLimits limits;
  limits.max_uncompressed_bytes = 1 << 20;
  limits.max_entry_bytes = 64 * 1024;
  limits.max_entries = 64;
  (void)margo::extract_bundle(std::string_view(reinterpret_cast<const char*>(data), size), limits);
  return 0;
}
