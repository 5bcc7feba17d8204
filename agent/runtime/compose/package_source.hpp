#pragma once
// Fetches a compose package and proves it is the one meant before anything is stored or run: the
// digest when packageDigest is given, then the detached signature when keyLocation is given. Nothing
// that fails a check is ever deployed.

#include <cstddef>
#include <string>

#include "agent/ports/executor.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/http_client.hpp"
#include "agent/runtime/compose/package_reference.hpp"

namespace margo {

struct VerifiedPackage {
  std::string bytes;       // exactly as fetched
  std::string sha256_hex;  // of bytes
};

struct PackageFetchLimits {
  std::size_t max_package_bytes = 64 * 1024 * 1024;
  Duration timeout = std::chrono::minutes(5);  // per download
};

// Errors: those of download() (package_download.hpp); compose.digest_mismatch and
// compose.signature_invalid (security; a missing signature file is compose.signature_invalid too).
// Completes through the executor.
void fetch_verified_package(HttpClient& http, FileSystem& fs, Executor& executor,
                            const PackageReference& reference, PackageFetchLimits limits,
                            Callback<VerifiedPackage> done);

}  // namespace margo
