// The bundle reader: gzip tar bytes from the WFM. Small limits so the fuzzer explores structure, not size.
// Random bytes are almost never a valid gzip stream, so the first byte chooses: odd, the rest is gzipped
// here first (the tar reader is what gets explored); even, the rest goes in as it is (the gzip layer).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "agent/core/bundle_archive.hpp"
#include "fakes/archive/tar_writer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  margo::BundleLimits limits;
  limits.max_uncompressed_bytes = 1 << 20;
  limits.max_entry_bytes = 64 * 1024;
  limits.max_entries = 64;
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  (void)margo::extract_bundle((data[0] & 1) != 0 ? margo::fake::gzip(rest, 1) : rest, limits);
  return 0;
}
