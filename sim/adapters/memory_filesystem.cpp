#include "sim/adapters/memory_filesystem.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace margo {
namespace {

constexpr unsigned kRootMode = 0755;

// Components of a normalised path; nullopt for the empty path, which names nothing.
std::optional<std::vector<std::string>> split_path(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::vector<std::string> components;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    const std::string component = path.substr(start, slash - start);
    if (component == "..") {
      if (!components.empty()) components.pop_back();
    } else if (!component.empty() && component != ".") {
      components.push_back(component);
    }
    start = slash + 1;
  }
  return components;
}

std::string describe(std::string_view operation, const std::string& path) {
  return std::string(operation) + " '" + path + "'";
}

Error not_found(std::string_view operation, const std::string& path, std::string_view why) {
  return permanent_error("fs.not_found", describe(operation, path) + ": " + std::string(why));
}

// Retryable, like every failure the POSIX adapter maps to fs.io, so both report the same error alike.
Error io_error(std::string_view operation, const std::string& path, std::string_view why) {
  return retryable_error("fs.io", describe(operation, path) + ": " + std::string(why));
}

}  // namespace

MemoryFileSystem::MemoryFileSystem() {
  Inode root;
  root.is_directory = true;
  root.mode = kRootMode;
  root_ = add_inode(std::move(root));
}

MemoryFileSystem::MemoryFileSystem(const Executor& clock) : MemoryFileSystem() {
  clock_ = &clock;
  inodes_.at(root_).modified_ns = timestamp();
}

MemoryFileSystem::InodeId MemoryFileSystem::add_inode(Inode inode) {
  const InodeId id = next_inode_++;
  inodes_.emplace(id, std::move(inode));
  return id;
}

std::int64_t MemoryFileSystem::timestamp() {
  if (clock_ == nullptr) return ++modification_counter_;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_->wall_now().time_since_epoch()).count();
}

Status MemoryFileSystem::check_usable(std::string_view operation, const std::string& path) const {
  if (!crashed_) return {};
  return permanent_error(
      "fs.crashed",
      describe(operation, path) + ": the simulated machine lost power; nothing works until restart()");
}

Status MemoryFileSystem::begin_mutation(std::string_view operation, const std::string& path) {
  if (auto usable = check_usable(operation, path); !usable) return usable;
  ++mutation_count_;
  if (armed_at_ == 0 || mutation_count_ != armed_at_) return {};
  lose_unsynced_changes(armed_tear_);
  armed_at_ = 0;
  armed_tear_ = nullptr;
  crashed_ = true;
  return check_usable(operation, path);
}

std::optional<MemoryFileSystem::InodeId> MemoryFileSystem::find(const std::vector<std::string>& components,
                                                                bool durable) const {
  InodeId current = root_;
  for (const auto& component : components) {
    const Inode& directory = inodes_.at(current);
    if (!directory.is_directory) return std::nullopt;
    const auto& names = durable ? directory.durable_entries : directory.entries;
    const auto found = names.find(component);
    if (found == names.end()) return std::nullopt;
    current = found->second;
  }
  return current;
}

Result<MemoryFileSystem::Location> MemoryFileSystem::locate(std::string_view operation,
                                                            const std::string& path) {
  auto components = split_path(path);
  if (!components) return not_found(operation, path, "empty path");
  if (components->empty()) return Location{root_, ""};
  std::string name = std::move(components->back());
  components->pop_back();
  const auto directory = find(*components, false);
  if (!directory || !inodes_.at(*directory).is_directory) {
    return not_found(operation, path, "parent directory does not exist");
  }
  return Location{*directory, std::move(name)};
}

std::optional<MemoryFileSystem::InodeId> MemoryFileSystem::child(const Location& location) const {
  if (location.name.empty()) return location.directory;
  const auto& entries = inodes_.at(location.directory).entries;
  const auto found = entries.find(location.name);
  if (found == entries.end()) return std::nullopt;
  return found->second;
}

Result<std::string> MemoryFileSystem::read_file(const std::string& path, std::size_t max_bytes) {
  if (auto usable = check_usable("read_file", path); !usable) return usable.error();
  auto location = locate("read_file", path);
  if (!location) return location.error();
  const auto id = child(*location);
  if (!id) return not_found("read_file", path, "no such file");
  const Inode& file = inodes_.at(*id);
  if (file.is_directory) return io_error("read_file", path, "is a directory");
  if (file.data.size() > max_bytes) {
    return permanent_error("fs.too_large", describe("read_file", path) + ": " +
                                               std::to_string(file.data.size()) +
                                               " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  return file.data;
}

Status MemoryFileSystem::write_file(const std::string& path, const std::string& data, unsigned mode) {
  if (auto started = begin_mutation("write_file", path); !started) return started;
  auto location = locate("write_file", path);
  if (!location) return location.error();
  if (const auto existing = child(*location)) {
    Inode& file = inodes_.at(*existing);
    if (file.is_directory) return io_error("write_file", path, "is a directory");
    file.data = data;
    file.mode = mode;
    file.modified_ns = timestamp();
    return {};
  }
  Inode file;
  file.data = data;
  file.mode = mode;
  file.modified_ns = timestamp();
  const InodeId id = add_inode(std::move(file));
  Inode& directory = inodes_.at(location->directory);
  directory.entries.emplace(location->name, id);
  directory.modified_ns = timestamp();
  return {};
}

Status MemoryFileSystem::fsync_file(const std::string& path) {
  if (auto started = begin_mutation("fsync_file", path); !started) return started;
  auto location = locate("fsync_file", path);
  if (!location) return location.error();
  const auto id = child(*location);
  if (!id) return not_found("fsync_file", path, "no such file");
  Inode& inode = inodes_.at(*id);
  inode.durable_data = inode.data;
  if (inode.is_directory) {
    inode.durable_entries = inode.entries;
    drop_unreferenced_inodes();
  }
  return {};
}

Status MemoryFileSystem::rename(const std::string& from, const std::string& to) {
  const std::string paths = from + "' -> '" + to;
  if (auto started = begin_mutation("rename", paths); !started) return started;
  auto source = locate("rename", from);
  if (!source) return source.error();
  const auto moved = child(*source);
  if (!moved) return not_found("rename", paths, "source does not exist");
  auto target = locate("rename", to);
  if (!target) return target.error();
  if (source->name.empty() || target->name.empty())
    return io_error("rename", paths, "cannot rename the root");
  const auto replaced = child(*target);
  if (replaced == moved) return {};  // the same file: nothing to do, as in POSIX
  const bool moving_directory = inodes_.at(*moved).is_directory;
  if (replaced) {
    const Inode& existing = inodes_.at(*replaced);
    if (existing.is_directory != moving_directory)
      return io_error("rename", paths, "file and directory mismatch");
    if (existing.is_directory && !existing.entries.empty()) {
      return io_error("rename", paths, "target directory is not empty");
    }
  }
  if (moving_directory) {
    const auto inside = split_path(to);
    const auto outer = split_path(from);
    if (inside->size() > outer->size() && std::equal(outer->begin(), outer->end(), inside->begin())) {
      return io_error("rename", paths, "cannot move a directory into itself");
    }
  }
  Inode& target_directory = inodes_.at(target->directory);
  target_directory.entries[target->name] = *moved;
  target_directory.modified_ns = timestamp();
  Inode& source_directory = inodes_.at(source->directory);
  source_directory.entries.erase(source->name);
  source_directory.modified_ns = timestamp();
  drop_unreferenced_inodes();
  return {};
}

Status MemoryFileSystem::fsync_directory(const std::string& path) {
  if (auto started = begin_mutation("fsync_directory", path); !started) return started;
  auto location = locate("fsync_directory", path);
  if (!location) return location.error();
  const auto id = child(*location);
  if (!id) return not_found("fsync_directory", path, "no such directory");
  Inode& directory = inodes_.at(*id);
  if (!directory.is_directory) return not_found("fsync_directory", path, "not a directory");
  directory.durable_entries = directory.entries;
  drop_unreferenced_inodes();
  return {};
}

Status MemoryFileSystem::remove(const std::string& path) {
  if (auto started = begin_mutation("remove", path); !started) return started;
  auto location = locate("remove", path);
  if (!location) return {};  // its directory does not exist, so neither does it
  if (location->name.empty()) return io_error("remove", path, "cannot remove the root directory");
  const auto id = child(*location);
  if (!id) return {};
  const Inode& removed = inodes_.at(*id);
  if (removed.is_directory && !removed.entries.empty())
    return io_error("remove", path, "directory not empty");
  Inode& directory = inodes_.at(location->directory);
  directory.entries.erase(location->name);
  directory.modified_ns = timestamp();
  drop_unreferenced_inodes();
  return {};
}

Status MemoryFileSystem::create_directories(const std::string& path, unsigned mode) {
  if (auto started = begin_mutation("create_directories", path); !started) return started;
  const auto components = split_path(path);
  if (!components) return not_found("create_directories", path, "empty path");
  InodeId current = root_;
  for (const auto& component : *components) {
    const auto& entries = inodes_.at(current).entries;
    if (const auto found = entries.find(component); found != entries.end()) {
      if (!inodes_.at(found->second).is_directory) {
        return permanent_error("fs.exists", describe("create_directories", path) + ": '" + component +
                                                "' exists and is not a directory");
      }
      current = found->second;
      continue;
    }
    Inode directory;
    directory.is_directory = true;
    directory.mode = mode;
    directory.modified_ns = timestamp();
    const InodeId created = add_inode(std::move(directory));
    Inode& parent = inodes_.at(current);
    parent.entries[component] = created;
    parent.durable_entries[component] = created;
    parent.modified_ns = timestamp();
    current = created;
  }
  return {};
}

Result<std::optional<FileInfo>> MemoryFileSystem::stat(const std::string& path) {
  if (auto usable = check_usable("stat", path); !usable) return usable.error();
  auto location = locate("stat", path);
  if (!location) return std::optional<FileInfo>();
  const auto id = child(*location);
  if (!id) return std::optional<FileInfo>();
  const Inode& inode = inodes_.at(*id);
  FileInfo info;
  info.size = inode.is_directory ? 0 : inode.data.size();
  info.modified_ns = inode.modified_ns;
  info.mode = inode.mode;
  info.is_directory = inode.is_directory;
  return std::optional<FileInfo>(info);
}

Result<std::vector<std::string>> MemoryFileSystem::list_directory(const std::string& path) {
  if (auto usable = check_usable("list_directory", path); !usable) return usable.error();
  auto location = locate("list_directory", path);
  if (!location) return location.error();
  const auto id = child(*location);
  if (!id) return not_found("list_directory", path, "no such directory");
  const Inode& directory = inodes_.at(*id);
  if (!directory.is_directory) return not_found("list_directory", path, "not a directory");
  std::vector<std::string> names;
  names.reserve(directory.entries.size());
  for (const auto& entry : directory.entries) names.push_back(entry.first);
  return names;
}

void MemoryFileSystem::crash() {
  lose_unsynced_changes(nullptr);
}

void MemoryFileSystem::crash(Random& tear) {
  lose_unsynced_changes(&tear);
}

void MemoryFileSystem::crash_at(std::uint64_t n, Random* tear) {
  armed_at_ = n == 0 ? 0 : mutation_count_ + n;
  armed_tear_ = n == 0 ? nullptr : tear;
}

void MemoryFileSystem::restart() {
  crashed_ = false;
  armed_at_ = 0;
  armed_tear_ = nullptr;
}

std::optional<std::string> MemoryFileSystem::durable_content(const std::string& path) const {
  const auto components = split_path(path);
  if (!components) return std::nullopt;
  const auto id = find(*components, true);
  if (!id || inodes_.at(*id).is_directory) return std::nullopt;
  return inodes_.at(*id).durable_data;
}

void MemoryFileSystem::lose_unsynced_changes(Random* tear) {
  for (auto& [id, inode] : inodes_) {
    if (inode.is_directory) {
      inode.entries = inode.durable_entries;
      continue;
    }
    if (tear != nullptr && inode.data != inode.durable_data && tear->next_below(2) == 1) {
      inode.durable_data = inode.data.substr(0, tear->next_below(inode.data.size() + 1));
    }
    inode.data = inode.durable_data;
  }
  drop_unreferenced_inodes();
}

// An inode lives while a visible or a durable name refers to it: a removed file whose directory was
// not fsynced comes back at a crash.
void MemoryFileSystem::drop_unreferenced_inodes() {
  std::set<InodeId> reachable;
  std::vector<InodeId> pending{root_};
  while (!pending.empty()) {
    const InodeId id = pending.back();
    pending.pop_back();
    if (!reachable.insert(id).second) continue;
    const Inode& inode = inodes_.at(id);
    for (const auto& entry : inode.entries) pending.push_back(entry.second);
    for (const auto& entry : inode.durable_entries) pending.push_back(entry.second);
  }
  std::erase_if(inodes_, [&](const auto& item) { return !reachable.contains(item.first); });
}

}  // namespace margo
