#pragma once
// Unpacks a deployment bundle (application/vnd.margo.bundle.v1+tar+gzip): a gzip-compressed tar whose
// root holds one YAML file per deployment. The input comes from the network, so the reader trusts
// nothing: only regular files at the root are accepted; links, devices, sub-directories, path
// traversal, duplicate names, too many or too large entries and decompression bombs are refused.
// Compose packages (tar.gz) use the same reader with allow_subdirectories: regular files may then sit
// in sub-directories, every path component still a plain name.
// Written over zlib rather than libarchive: libarchive and its dependencies cost about 1.6 MB of
// resident memory, more than the agent's whole budget for its own code.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo {

struct BundleLimits {
  std::size_t max_uncompressed_bytes = 64 * 1024 * 1024;  // the whole tar, headers included
  std::size_t max_entry_bytes = 4 * 1024 * 1024;
  std::size_t max_entries = 1024;
  // Accept regular files below sub-directories ("config/app.ini"); directory entries are then
  // checked like names and skipped. Still refused: absolute paths, "." and ".." components, empty
  // components ("a//b"), more than max_depth components, and a file where another entry needs a
  // directory ("a" and "a/b").
  bool allow_subdirectories = false;
  std::size_t max_depth = 8;
};

struct BundleEntry {
  // A plain file name: no directory, no "..", no leading "./". With allow_subdirectories: plain names
  // joined by '/', without a leading "./".
  std::string name;
  std::string content;
};

// Errors: bundle.invalid (security class) saying what is wrong and at which entry.
Result<std::vector<BundleEntry>> extract_bundle(std::string_view gzip_tar, const BundleLimits& limits = {});

}  // namespace margo
