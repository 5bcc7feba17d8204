// The power-loss model of MemoryFileSystem: what survives crash() and what does not.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/adapters/memory_filesystem.hpp"
#include "sim/adapters/virtual_executor.hpp"
#include "tests/unit/sim_adapters/scripted_random.hpp"

namespace margo {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kPowerLossLimit = 1 << 20;

std::optional<std::string> content(MemoryFileSystem& fs, const std::string& path) {
  auto read = fs.read_file(path, kPowerLossLimit);
  if (!read) return std::nullopt;
  return std::move(read).value();
}

bool exists(MemoryFileSystem& fs, const std::string& path) {
  const auto info = fs.stat(path);
  REQUIRE(info);
  return info->has_value();
}

// A directory holding one file whose name and content are both durable.
void make_durable(MemoryFileSystem& fs, const std::string& path, const std::string& data) {
  REQUIRE(fs.create_directories("/state", 0700));
  REQUIRE(fs.write_file(path, data, 0600));
  REQUIRE(fs.fsync_file(path));
  REQUIRE(fs.fsync_directory("/state"));
}

TEST_CASE("content written since the last fsync is lost at a crash", "[memory_filesystem][power_loss]") {
  MemoryFileSystem fs;
  make_durable(fs, "/state/f", "old");
  REQUIRE(fs.write_file("/state/f", "new", 0600));
  CHECK(content(fs, "/state/f") == "new");
  CHECK(fs.durable_content("/state/f") == "old");

  fs.crash();
  CHECK(content(fs, "/state/f") == "old");
}

TEST_CASE("a new file with synced content but an unsynced name vanishes at a crash",
          "[memory_filesystem][power_loss]") {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/state", 0700));
  REQUIRE(fs.write_file("/state/g", "data", 0600));
  REQUIRE(fs.fsync_file("/state/g"));
  CHECK_FALSE(fs.durable_content("/state/g").has_value());

  fs.crash();
  CHECK_FALSE(exists(fs, "/state/g"));
}

TEST_CASE("a synced name with unsynced content survives as an empty file",
          "[memory_filesystem][power_loss]") {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/state", 0700));
  REQUIRE(fs.write_file("/state/h", "data", 0600));
  REQUIRE(fs.fsync_directory("/state"));

  fs.crash();
  CHECK(content(fs, "/state/h") == "");
}

TEST_CASE("a rename is durable only once its directory is fsynced", "[memory_filesystem][power_loss]") {
  MemoryFileSystem fs;
  make_durable(fs, "/state/f", "old");
  REQUIRE(fs.write_file("/state/f.tmp", "new", 0600));
  REQUIRE(fs.fsync_file("/state/f.tmp"));
  REQUIRE(fs.rename("/state/f.tmp", "/state/f"));
  CHECK(content(fs, "/state/f") == "new");

  SECTION("without the directory fsync the old file comes back") {
    fs.crash();
    CHECK(content(fs, "/state/f") == "old");
  }
  SECTION("with it the new file stays") {
    REQUIRE(fs.fsync_directory("/state"));
    fs.crash();
    CHECK(content(fs, "/state/f") == "new");
  }
  const auto listing = fs.list_directory("/state");
  REQUIRE(listing);
  CHECK(*listing == std::vector<std::string>{"f"});
}

TEST_CASE("a remove is undone by a crash unless its directory is fsynced",
          "[memory_filesystem][power_loss]") {
  MemoryFileSystem fs;
  make_durable(fs, "/state/f", "kept");
  REQUIRE(fs.remove("/state/f"));
  CHECK_FALSE(exists(fs, "/state/f"));

  SECTION("not synced: the file is back, whole") {
    fs.crash();
    CHECK(content(fs, "/state/f") == "kept");
  }
  SECTION("synced: it stays gone") {
    REQUIRE(fs.fsync_directory("/state"));
    fs.crash();
    CHECK_FALSE(exists(fs, "/state/f"));
  }
}

TEST_CASE("a name reused after an unsynced remove comes back with its old content",
          "[memory_filesystem][power_loss]") {
  MemoryFileSystem fs;
  make_durable(fs, "/state/f", "first");
  REQUIRE(fs.remove("/state/f"));
  REQUIRE(fs.write_file("/state/f", "second", 0600));
  REQUIRE(fs.fsync_file("/state/f"));

  fs.crash();
  CHECK(content(fs, "/state/f") == "first");
}

TEST_CASE("directories are durable as soon as they are created", "[memory_filesystem][power_loss]") {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/var/lib/margo", 0700));
  fs.crash();
  const auto info = fs.stat("/var/lib/margo");
  REQUIRE(info);
  REQUIRE(info->has_value());
  CHECK((*info)->is_directory);
  CHECK((*info)->mode == 0700);
}

TEST_CASE("a torn write leaves a prefix of the unsynced content when the random source says so",
          "[memory_filesystem][power_loss]") {
  MemoryFileSystem fs;
  make_durable(fs, "/state/f", "old content");
  make_durable(fs, "/state/synced", "synced");
  REQUIRE(fs.write_file("/state/f", "0123456789", 0600));

  SECTION("torn: the first next_below(size + 1) bytes") {
    ScriptedRandom tear({1, 4});
    fs.crash(tear);
    CHECK(content(fs, "/state/f") == "0123");
    CHECK(tear.calls() == 2);  // only the file that changed since its fsync draws
  }
  SECTION("not torn: the synced content") {
    ScriptedRandom tear({0});
    fs.crash(tear);
    CHECK(content(fs, "/state/f") == "old content");
    CHECK(tear.calls() == 1);
  }
  CHECK(content(fs, "/state/synced") == "synced");
}

TEST_CASE("modification times come from the executor's wall clock, or count up", "[memory_filesystem]") {
  SECTION("with an executor") {
    VirtualExecutor executor;
    MemoryFileSystem fs(executor);
    executor.run_for(5s);
    REQUIRE(fs.write_file("/f", "x", 0600));
    const auto info = fs.stat("/f");
    REQUIRE(info);
    REQUIRE(info->has_value());
    const auto expected = std::chrono::nanoseconds(executor.wall_now().time_since_epoch()).count();
    CHECK((*info)->modified_ns == expected);
  }
  SECTION("without one") {
    MemoryFileSystem fs;
    REQUIRE(fs.write_file("/f", "x", 0600));
    const auto first = fs.stat("/f");
    REQUIRE(fs.write_file("/f", "y", 0600));
    const auto second = fs.stat("/f");
    REQUIRE((first && first->has_value() && second && second->has_value()));
    CHECK((*second)->modified_ns > (*first)->modified_ns);
  }
}

TEST_CASE("paths are normalised and relative paths start at the root", "[memory_filesystem]") {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("var/lib/", 0755));
  REQUIRE(fs.write_file("/var//lib/./x", "data", 0600));

  CHECK(content(fs, "var/lib/x") == "data");
  CHECK(content(fs, "/var/lib/../lib/x") == "data");
  CHECK(content(fs, "/../var/lib/x") == "data");
  const auto listing = fs.list_directory("/var/lib/");
  REQUIRE(listing);
  CHECK(*listing == std::vector<std::string>{"x"});
  CHECK(fs.read_file("", kPowerLossLimit).error().code == "fs.not_found");
}

TEST_CASE("rename refuses to move a directory into itself and ignores a rename onto itself",
          "[memory_filesystem]") {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/a/b", 0700));
  REQUIRE(fs.write_file("/a/f", "x", 0600));

  CHECK(fs.rename("/a", "/a/b/c").error().code == "fs.io");
  CHECK(fs.rename("/a/f", "/a/./f"));
  CHECK(content(fs, "/a/f") == "x");
  CHECK(fs.rename("/a/f", "/a/b").error().code == "fs.io");
}

}  // namespace
}  // namespace margo
