#pragma once
// Files, with the durability steps explicit: write, then fsync the file, rename, fsync the directory.
// The simulated filesystem loses whatever was not synced when the simulation "pulls the plug".
// Calls are synchronous: they touch small local files only.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo {

struct FileInfo {
  std::uint64_t size = 0;
  std::int64_t modified_ns = 0;  // modification time, for change detection only
  unsigned mode = 0;             // permission bits
  bool is_directory = false;
};

// Error codes: fs.not_found, fs.too_large, fs.io (retryable), fs.permission_denied, fs.exists.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // Whole file; fails with fs.too_large when it is bigger than max_bytes.
  virtual Result<std::string> read_file(const std::string& path, std::size_t max_bytes) = 0;
  // Creates or truncates the file with the given permission bits and writes data. Not durable
  // until fsync_file (content) and fsync_directory of its parent (the name).
  virtual Status write_file(const std::string& path, const std::string& data, unsigned mode) = 0;
  virtual Status fsync_file(const std::string& path) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status fsync_directory(const std::string& path) = 0;
  // Removing a file that does not exist succeeds.
  virtual Status remove(const std::string& path) = 0;
  // Creates the directory and its missing parents.
  virtual Status create_directories(const std::string& path, unsigned mode) = 0;
  // nullopt when the path does not exist.
  virtual Result<std::optional<FileInfo>> stat(const std::string& path) = 0;
  // Names (not paths) of the entries, sorted.
  virtual Result<std::vector<std::string>> list_directory(const std::string& path) = 0;
};

}  // namespace margo
