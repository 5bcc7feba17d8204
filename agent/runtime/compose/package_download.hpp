#pragma once
// Fetches one file of a package (the package itself, its signature, the public key) from an http(s)
// URL through the HttpClient port or from a local path through the FileSystem port, with a size limit.
//
// Errors, naming what was fetched and where (URLs without their query, which may hold a token):
//   compose.package_fetch_failed: retryable for network failures, 408, 429 and 5xx; permanent for 404,
//     403 and other 4xx, bad URLs, unreadable local files; security when TLS verification failed;
//   compose.package_too_large (permanent): bigger than the limit;
//   compose.insecure_location (permanent): a redirect from https:// to http:// without a digest.
// Redirects (301, 302, 303, 307, 308) are followed, at most five.

#include <cstddef>
#include <string>

#include "agent/ports/executor.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/http_client.hpp"
#include "agent/runtime/compose/package_reference.hpp"

namespace margo {

struct DownloadRequest {
  PackageLocation location;
  std::string what;  // "package", "signature", "public key": for messages
  std::size_t max_bytes = 0;
  Duration timeout = std::chrono::minutes(5);
  bool allow_plain_http = false;  // the package has a digest
};

// Completes through the executor, never inline.
void download(HttpClient& http, FileSystem& fs, Executor& executor, DownloadRequest request,
              Callback<std::string> done);

}  // namespace margo
