#pragma once
// Reads the fake WFM's bundles back in test code: gunzip with zlib, then ustar headers.

#include <string>
#include <vector>

namespace margo::testing {

struct TarEntry {
  std::string name;
  std::string content;
  std::string mtime_field;  // the raw octal field
  std::string uid_field;
  char type = 0;
};

// Empty on malformed input (the test then fails on the missing entries).
std::string gunzip(const std::string& compressed);
std::vector<TarEntry> read_tar(const std::string& archive);

}  // namespace margo::testing
