#pragma once
// Where the runtime keeps its files, and how a package is put there so that a crash at any moment
// leaves either the old or the new package in force, whole. Layout under the work directory:
//   .home/                         HOME of every child; .home/.docker is DOCKER_CONFIG (so no user's
//                                  docker configuration or credentials are used by accident)
//   <project>/                     one folder per compose project, 0700
//   <project>/pkg-<16 hex>/        a stored package, named by the SHA-256 of its bytes
//   <project>/pkg-<16 hex>.staging/  a package being written (left over only by a crash: discarded)
//   <project>/active               which stored package is deployed, replaced durably
// A package is written into its staging folder, every file and folder fsynced, then renamed into
// place; `active` changes by write-fsync-rename-fsync. Only then are older packages deleted.

#include <optional>
#include <string>

#include "agent/ports/filesystem.hpp"
#include "agent/runtime/compose/package_contents.hpp"

namespace margo {

struct StoredPackage {
  std::string name;          // "pkg-<16 hex>"
  std::string directory;     // absolute
  std::string compose_file;  // absolute path of the compose file in it
};

class ProjectStore {
 public:
  ProjectStore(FileSystem& fs, std::string work_directory);

  // HOME for the children; created (0700) by prepare_home().
  std::string home_directory() const;
  Status prepare_home();
  std::string project_directory(const std::string& project) const;

  // Stores the package unless the same bytes are stored already; does not make it active.
  // package_sha256_hex names it. Errors: fs.* from the FileSystem.
  Result<StoredPackage> store(const std::string& project, const std::string& package_sha256_hex,
                              const PackageContents& contents);
  // Makes the package the project's deployed one, durably.
  Status activate(const std::string& project, const StoredPackage& package);
  // The deployed package; nullopt when the project has none (never applied, or removed).
  // Error: compose.state_corrupt (permanent) when `active` cannot be read back.
  Result<std::optional<StoredPackage>> active(const std::string& project);
  // Deletes every stored package of the project except the active one.
  Status discard_inactive(const std::string& project);
  // Deletes one stored package (one compose refused: never activated).
  Status discard(const StoredPackage& package);
  // Deletes the project's folder and everything in it. Succeeds when it is not there.
  Status remove_project(const std::string& project);

 private:
  StoredPackage describe(const std::string& project, const std::string& name,
                         const std::string& compose_file) const;
  Status remove_tree(const std::string& path);

  FileSystem& fs_;
  std::string work_directory_;
};

}  // namespace margo
