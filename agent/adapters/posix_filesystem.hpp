#pragma once
// The FileSystem port on the real operating system, with the durability steps explicit (each one a
// system call: fsync of the file, rename, fsync of the directory).
//
// Error mapping: ENOENT/ENOTDIR -> fs.not_found and EACCES/EPERM -> fs.permission_denied (permanent);
// every other failure -> fs.io (retryable). A path that exists but is not a directory where one is
// needed -> fs.exists. Messages name the operation, the path and the system's reason.

#include "agent/ports/filesystem.hpp"

namespace margo {

class PosixFileSystem final : public FileSystem {
 public:
  // Refuses files bigger than max_bytes before reading them, and stops reading one that grows past it.
  Result<std::string> read_file(const std::string& path, std::size_t max_bytes) override;
  // The file gets exactly `mode`, whatever the umask (state and key files must be 0600). Does not
  // follow a symbolic link at the path.
  Status write_file(const std::string& path, const std::string& data, unsigned mode) override;
  Status fsync_file(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status fsync_directory(const std::string& path) override;
  // Removes a file or an empty directory.
  Status remove(const std::string& path) override;
  // Like mkdir -p; the directories it creates get exactly `mode`, existing ones are left alone.
  Status create_directories(const std::string& path, unsigned mode) override;
  // Follows symbolic links.
  Result<std::optional<FileInfo>> stat(const std::string& path) override;
  Result<std::vector<std::string>> list_directory(const std::string& path) override;
};

}  // namespace margo
