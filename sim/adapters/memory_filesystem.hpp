#pragma once
// An in-memory FileSystem with a power-loss model, for crash-safety tests: "kill the agent at every
// filesystem operation; whatever was not fsynced is lost".
//
// Modelled on a POSIX filesystem with a page cache. A file's inode holds the bytes reads see and the
// bytes that survive a crash (committed by fsync_file). A directory holds the names lookups see and the
// names that survive a crash (committed by fsync_directory), so a new file, a rename or a remove is
// durable only once its directory is fsynced. Permission bits are metadata and take effect at once.
//
// Paths are normalised ("a//b", "./a", "a/", "a/../b"); relative paths are relative to "/".
// Single-threaded, like the simulator that drives it.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/random.hpp"

namespace margo {

class MemoryFileSystem final : public FileSystem {
 public:
  // Modification times count up from 1 on every change.
  MemoryFileSystem();
  // Modification times are the executor's wall clock, in nanoseconds since the epoch.
  explicit MemoryFileSystem(const Executor& clock);

  Result<std::string> read_file(const std::string& path, std::size_t max_bytes) override;
  Status write_file(const std::string& path, const std::string& data, unsigned mode) override;
  Status fsync_file(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status fsync_directory(const std::string& path) override;
  Status remove(const std::string& path) override;
  // Directories are durable as soon as they are created: the agent creates its state directory once
  // at start-up, and modelling its loss would only test the operating system's installer.
  Status create_directories(const std::string& path, unsigned mode) override;
  Result<std::optional<FileInfo>> stat(const std::string& path) override;
  Result<std::vector<std::string>> list_directory(const std::string& path) override;

  // Pulls the plug: every directory keeps only its fsynced names, every file only its fsynced bytes,
  // and inodes no name refers to any more vanish. The filesystem stays usable (it is the state the
  // machine boots into), unlike after an armed crash_at.
  void crash();
  // The same, with torn writes. Rule: each file whose bytes changed since its last fsync, in creation
  // order, draws next_below(2); on 1 it survives holding the first next_below(size + 1) bytes of its
  // current content (possibly none or all of it) instead of its fsynced bytes.
  void crash(Random& tear);

  // Every mutating call (write_file, fsync_file, rename, fsync_directory, remove, create_directories),
  // whether it succeeds or not, counted since construction; calls refused after a crash do not count.
  std::uint64_t mutation_count() const { return mutation_count_; }
  // Arms a crash at mutation number n (1-based, counted from now): that call does not take effect, the
  // filesystem crashes there (with torn writes when `tear` is given; it must outlive the crash), the
  // call fails with fs.crashed, and so does every later call until restart(). n = 0 disarms.
  void crash_at(std::uint64_t n, Random* tear = nullptr);
  bool crashed() const { return crashed_; }
  // The machine is back: calls work again (on what survived). Disarms any pending crash_at.
  void restart();

  // What the file would hold after a crash now (torn writes aside), or nullopt when its name would not
  // survive. Does not count as a call.
  std::optional<std::string> durable_content(const std::string& path) const;

 private:
  using InodeId = std::uint64_t;
  struct Inode {
    bool is_directory = false;
    unsigned mode = 0;
    std::int64_t modified_ns = 0;
    std::string data;  // files: what reads see
    std::string durable_data;
    std::map<std::string, InodeId> entries;  // directories: what lookups see
    std::map<std::string, InodeId> durable_entries;
  };
  // Where a name lives: its directory and the name in it. Empty name: the root itself.
  struct Location {
    InodeId directory = 0;
    std::string name;
  };

  Status check_usable(std::string_view operation, const std::string& path) const;
  Status begin_mutation(std::string_view operation, const std::string& path);
  Result<Location> locate(std::string_view operation, const std::string& path);
  std::optional<InodeId> find(const std::vector<std::string>& components, bool durable) const;
  std::optional<InodeId> child(const Location& location) const;
  InodeId add_inode(Inode inode);
  std::int64_t timestamp();
  void lose_unsynced_changes(Random* tear);
  void drop_unreferenced_inodes();

  const Executor* clock_ = nullptr;
  std::int64_t modification_counter_ = 0;
  std::map<InodeId, Inode> inodes_;
  InodeId next_inode_ = 1;
  InodeId root_ = 0;

  std::uint64_t mutation_count_ = 0;
  std::uint64_t armed_at_ = 0;  // the mutation_count_ value that crashes; 0 when not armed
  Random* armed_tear_ = nullptr;
  bool crashed_ = false;
};

}  // namespace margo
