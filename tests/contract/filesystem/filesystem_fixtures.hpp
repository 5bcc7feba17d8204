#pragma once
// One FileSystem each, rooted in a fresh directory, so the same contract cases run against the real
// operating system and the in-memory model.

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "agent/adapters/posix_filesystem.hpp"
#include "sim/adapters/memory_filesystem.hpp"

namespace margo::contract {

class PosixFixture {
 public:
  PosixFixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "margo-fs-contract-XXXXXX").string();
    const char* created = ::mkdtemp(pattern.data());
    REQUIRE(created != nullptr);
    root_ = created;
  }
  ~PosixFixture() {
    std::error_code ignored;
    std::filesystem::remove_all(root_, ignored);
  }
  PosixFixture(const PosixFixture&) = delete;
  PosixFixture& operator=(const PosixFixture&) = delete;

  FileSystem& fs() { return fs_; }
  std::string path(std::string_view relative) const { return root_ + "/" + std::string(relative); }

 private:
  std::string root_;
  PosixFileSystem fs_;
};

class MemoryFixture {
 public:
  MemoryFixture() { REQUIRE(fs_.create_directories(root_, 0700)); }

  FileSystem& fs() { return fs_; }
  std::string path(std::string_view relative) const { return root_ + "/" + std::string(relative); }

 private:
  std::string root_ = "/var/lib/margo-contract";
  MemoryFileSystem fs_;
};

// Sets the process umask for one test and puts the old one back.
class UmaskScope {
 public:
  explicit UmaskScope(mode_t mask) : previous_(::umask(mask)) {}
  ~UmaskScope() { ::umask(previous_); }
  UmaskScope(const UmaskScope&) = delete;
  UmaskScope& operator=(const UmaskScope&) = delete;

 private:
  mode_t previous_;
};

}  // namespace margo::contract
