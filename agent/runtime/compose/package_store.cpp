#include "agent/runtime/compose/package_store.hpp"

#include <set>

#include <nlohmann/json.hpp>

#include "agent/core/durable_file.hpp"
#include "agent/core/paths.hpp"

namespace margo {
namespace {

constexpr unsigned kPrivateDirectoryMode = 0700;
// Inside the private project folder, package files stay readable by any user so that a container
// running as non-root can read a configuration file the compose file bind-mounts.
constexpr unsigned kPackageDirectoryMode = 0755;
constexpr unsigned kPackageFileMode = 0644;
constexpr std::size_t kMaxActiveFileBytes = 4096;
constexpr std::string_view kPackagePrefix = "pkg-";
constexpr std::string_view kStagingSuffix = ".staging";
constexpr std::size_t kPackageIdLength = 16;

bool is_package_name(std::string_view name) {
  if (name.size() != kPackagePrefix.size() + kPackageIdLength ||
      name.substr(0, kPackagePrefix.size()) != kPackagePrefix)
    return false;
  for (const char c : name.substr(kPackagePrefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// The compose file sits at the package root (see package_contents.hpp).
bool is_root_file_name(std::string_view name) {
  return !name.empty() && name.front() != '.' && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

Error corrupt(const std::string& path, const std::string& why) {
  return permanent_error("compose.state_corrupt", path + ": " + why);
}

}  // namespace

ProjectStore::ProjectStore(FileSystem& fs, std::string work_directory)
    : fs_(fs), work_directory_(std::move(work_directory)) {}

std::string ProjectStore::home_directory() const {
  return join_path(work_directory_, ".home");
}

Status ProjectStore::prepare_home() {
  return fs_.create_directories(join_path(home_directory(), ".docker"), kPrivateDirectoryMode);
}

std::string ProjectStore::project_directory(const std::string& project) const {
  return join_path(work_directory_, project);
}

StoredPackage ProjectStore::describe(const std::string& project, const std::string& name,
                                     const std::string& compose_file) const {
  const std::string directory = join_path(project_directory(project), name);
  return StoredPackage{name, directory, join_path(directory, compose_file)};
}

Result<StoredPackage> ProjectStore::store(const std::string& project, const std::string& package_sha256_hex,
                                          const PackageContents& contents) {
  const std::string name = std::string(kPackagePrefix) + package_sha256_hex.substr(0, kPackageIdLength);
  StoredPackage package = describe(project, name, contents.compose_file);
  const std::string project_dir = project_directory(project);
  if (auto made = fs_.create_directories(project_dir, kPrivateDirectoryMode); !made) return made.error();

  auto existing = fs_.stat(package.directory);
  if (!existing) return existing.error();
  // A folder under the final name was renamed there only after everything in it was fsynced.
  if (*existing && (*existing)->is_directory) return package;

  const std::string staging = package.directory + std::string(kStagingSuffix);
  if (auto cleared = remove_tree(staging); !cleared) return cleared.error();
  std::set<std::string> directories = {staging};
  if (auto made = fs_.create_directories(staging, kPackageDirectoryMode); !made) return made.error();
  for (const PackageFile& file : contents.files) {
    const std::string path = join_path(staging, file.path);
    const std::string parent = parent_directory(path);
    if (directories.insert(parent).second) {
      if (auto made = fs_.create_directories(parent, kPackageDirectoryMode); !made) return made.error();
      // Intermediate folders too ("a/b/c.txt" creates a and a/b).
      for (std::string up = parent_directory(parent); up.size() > staging.size(); up = parent_directory(up))
        directories.insert(up);
    }
    if (auto written = fs_.write_file(path, file.content, kPackageFileMode); !written) return written.error();
    if (auto synced = fs_.fsync_file(path); !synced) return synced.error();
  }
  for (const std::string& directory : directories)
    if (auto synced = fs_.fsync_directory(directory); !synced) return synced.error();
  if (auto renamed = fs_.rename(staging, package.directory); !renamed) return renamed.error();
  if (auto synced = fs_.fsync_directory(project_dir); !synced) return synced.error();
  return package;
}

Status ProjectStore::activate(const std::string& project, const StoredPackage& package) {
  const std::string compose_file = package.compose_file.substr(package.directory.size() + 1);
  const nlohmann::json active = {{"package", package.name}, {"composeFile", compose_file}};
  return write_file_durably(fs_, join_path(project_directory(project), "active"), active.dump() + "\n", 0600);
}

Result<std::optional<StoredPackage>> ProjectStore::active(const std::string& project) {
  const std::string path = join_path(project_directory(project), "active");
  auto text = fs_.read_file(path, kMaxActiveFileBytes);
  if (!text) {
    if (text.error().code == "fs.not_found") return std::optional<StoredPackage>();
    return text.error();
  }
  const nlohmann::json active = nlohmann::json::parse(*text, nullptr, false);
  if (active.is_discarded() || !active.is_object()) return corrupt(path, "not a JSON object");
  const auto package = active.find("package");
  const auto compose_file = active.find("composeFile");
  if (package == active.end() || !package->is_string() || !is_package_name(package->get<std::string>()) ||
      compose_file == active.end() || !compose_file->is_string() ||
      !is_root_file_name(compose_file->get<std::string>()))
    return corrupt(path, "does not name a stored package and its compose file");
  return std::optional<StoredPackage>(describe(project, *package, *compose_file));
}

Status ProjectStore::discard_inactive(const std::string& project) {
  auto current = active(project);
  if (!current) return current.error();
  auto names = fs_.list_directory(project_directory(project));
  if (!names) return names.error().code == "fs.not_found" ? Status() : Status(names.error());
  for (const std::string& name : *names) {
    const bool stored = name.substr(0, kPackagePrefix.size()) == kPackagePrefix;
    if (!stored || (*current && (*current)->name == name)) continue;
    if (auto removed = remove_tree(join_path(project_directory(project), name)); !removed) return removed;
  }
  return {};
}

Status ProjectStore::discard(const StoredPackage& package) {
  return remove_tree(package.directory);
}

Status ProjectStore::remove_project(const std::string& project) {
  auto info = fs_.stat(project_directory(project));
  if (!info) return info.error();
  if (!*info) return {};
  if (auto removed = remove_tree(project_directory(project)); !removed) return removed;
  return fs_.fsync_directory(work_directory_);
}

Status ProjectStore::remove_tree(const std::string& path) {
  auto info = fs_.stat(path);
  if (!info) return info.error();
  if (!*info) return {};
  if ((*info)->is_directory) {
    auto names = fs_.list_directory(path);
    if (!names) return names.error();
    for (const std::string& name : *names)
      if (auto removed = remove_tree(join_path(path, name)); !removed) return removed;
  }
  return fs_.remove(path);
}

}  // namespace margo
