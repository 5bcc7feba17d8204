// The FileSystem contract (agent/ports/filesystem.hpp), the same cases against the POSIX adapter in a
// fresh temporary directory and against the in-memory model.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/contract/filesystem/filesystem_fixtures.hpp"

namespace margo::contract {
namespace {

constexpr std::size_t kLimit = 1 << 20;

std::string every_byte_twice() {
  std::string bytes;
  for (int round = 0; round < 2; ++round) {
    for (int value = 0; value < 256; ++value) bytes += static_cast<char>(value);
  }
  return bytes;
}

template <typename T>
std::string error_code_of(const Result<T>& result) {
  return result ? std::string("(succeeded)") : result.error().code;
}

TEMPLATE_TEST_CASE("files round-trip any bytes, including an empty file", "[filesystem][contract]",
                   PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  const std::string binary = every_byte_twice();

  REQUIRE(fs.write_file(fixture.path("binary"), binary, 0600));
  REQUIRE(fs.write_file(fixture.path("empty"), "", 0600));

  const auto read_binary = fs.read_file(fixture.path("binary"), kLimit);
  REQUIRE(read_binary);
  CHECK(*read_binary == binary);
  const auto read_empty = fs.read_file(fixture.path("empty"), kLimit);
  REQUIRE(read_empty);
  CHECK(read_empty->empty());
  const auto info = fs.stat(fixture.path("binary"));
  REQUIRE(info);
  REQUIRE(info->has_value());
  CHECK((*info)->size == binary.size());
  CHECK_FALSE((*info)->is_directory);
}

TEMPLATE_TEST_CASE("writing an existing file replaces all of its content", "[filesystem][contract]",
                   PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  REQUIRE(fs.write_file(fixture.path("f"), "a rather long first version", 0600));
  REQUIRE(fs.write_file(fixture.path("f"), "short", 0600));

  const auto content = fs.read_file(fixture.path("f"), kLimit);
  REQUIRE(content);
  CHECK(*content == "short");
}

TEMPLATE_TEST_CASE("read_file refuses a file bigger than the limit", "[filesystem][contract]", PosixFixture,
                   MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  REQUIRE(fs.write_file(fixture.path("ten"), "0123456789", 0600));

  const auto too_big = fs.read_file(fixture.path("ten"), 9);
  CHECK(error_code_of(too_big) == "fs.too_large");
  CHECK_FALSE(too_big.error().retryable());
  const auto exact = fs.read_file(fixture.path("ten"), 10);
  REQUIRE(exact);
  CHECK(*exact == "0123456789");
}

TEMPLATE_TEST_CASE("missing files and directories give fs.not_found", "[filesystem][contract]", PosixFixture,
                   MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  const std::string missing = fixture.path("missing");
  const std::string in_missing_directory = fixture.path("no-such-dir/file");

  CHECK(error_code_of(fs.read_file(missing, kLimit)) == "fs.not_found");
  CHECK(error_code_of(fs.read_file(in_missing_directory, kLimit)) == "fs.not_found");
  CHECK(error_code_of(fs.fsync_file(missing)) == "fs.not_found");
  CHECK(error_code_of(fs.fsync_directory(missing)) == "fs.not_found");
  CHECK(error_code_of(fs.rename(missing, fixture.path("elsewhere"))) == "fs.not_found");
  CHECK(error_code_of(fs.list_directory(missing)) == "fs.not_found");

  const auto error = fs.read_file(missing, kLimit).error();
  CHECK_FALSE(error.retryable());
  CHECK_THAT(error.message, Catch::Contains(missing));

  const auto info = fs.stat(missing);
  REQUIRE(info);
  CHECK_FALSE(info->has_value());
  const auto nested_info = fs.stat(in_missing_directory);
  REQUIRE(nested_info);
  CHECK_FALSE(nested_info->has_value());
}

TEMPLATE_TEST_CASE("writing into a missing directory fails and creates nothing", "[filesystem][contract]",
                   PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();

  CHECK(error_code_of(fs.write_file(fixture.path("no-such-dir/state.json"), "{}", 0600)) == "fs.not_found");
  const auto info = fs.stat(fixture.path("no-such-dir"));
  REQUIRE(info);
  CHECK_FALSE(info->has_value());
}

TEMPLATE_TEST_CASE("rename replaces the target", "[filesystem][contract]", PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  REQUIRE(fs.write_file(fixture.path("state.json"), "old", 0600));
  REQUIRE(fs.write_file(fixture.path("state.json.tmp"), "new", 0600));

  REQUIRE(fs.rename(fixture.path("state.json.tmp"), fixture.path("state.json")));

  const auto content = fs.read_file(fixture.path("state.json"), kLimit);
  REQUIRE(content);
  CHECK(*content == "new");
  const auto listing = fs.list_directory(fixture.path(""));
  REQUIRE(listing);
  CHECK(*listing == std::vector<std::string>{"state.json"});
}

TEMPLATE_TEST_CASE("remove is idempotent", "[filesystem][contract]", PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  REQUIRE(fs.write_file(fixture.path("f"), "x", 0600));

  REQUIRE(fs.remove(fixture.path("f")));
  const auto info = fs.stat(fixture.path("f"));
  REQUIRE(info);
  CHECK_FALSE(info->has_value());
  CHECK(fs.remove(fixture.path("f")));
  CHECK(fs.remove(fixture.path("no-such-dir/f")));
}

TEMPLATE_TEST_CASE("remove takes an empty directory but not a full one", "[filesystem][contract]",
                   PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  REQUIRE(fs.create_directories(fixture.path("full"), 0700));
  REQUIRE(fs.create_directories(fixture.path("empty"), 0700));
  REQUIRE(fs.write_file(fixture.path("full/f"), "x", 0600));

  CHECK(error_code_of(fs.remove(fixture.path("full"))) == "fs.io");
  CHECK(fs.remove(fixture.path("empty")));
  const auto info = fs.stat(fixture.path("empty"));
  REQUIRE(info);
  CHECK_FALSE(info->has_value());
}

TEMPLATE_TEST_CASE("create_directories creates nested directories with exactly the given mode",
                   "[filesystem][contract]", PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  UmaskScope strict_umask(077);

  REQUIRE(fs.create_directories(fixture.path("a/b/c"), 0750));
  REQUIRE(fs.create_directories(fixture.path("a/b/c"), 0750));  // already there: fine

  for (const char* directory : {"a", "a/b", "a/b/c"}) {
    INFO(directory);
    const auto info = fs.stat(fixture.path(directory));
    REQUIRE(info);
    REQUIRE(info->has_value());
    CHECK((*info)->is_directory);
    CHECK((*info)->mode == 0750);
  }
  REQUIRE(fs.write_file(fixture.path("a/b/c/f"), "x", 0600));
  const auto listing = fs.list_directory(fixture.path("a/b"));
  REQUIRE(listing);
  CHECK(*listing == std::vector<std::string>{"c"});
}

TEMPLATE_TEST_CASE("create_directories through a file fails with fs.exists", "[filesystem][contract]",
                   PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  REQUIRE(fs.write_file(fixture.path("plain"), "x", 0600));

  CHECK(error_code_of(fs.create_directories(fixture.path("plain"), 0700)) == "fs.exists");
  CHECK(error_code_of(fs.create_directories(fixture.path("plain/sub"), 0700)) == "fs.exists");
}

TEMPLATE_TEST_CASE("a file gets exactly the mode asked for, whatever the umask", "[filesystem][contract]",
                   PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  const auto mode_of = [&](const std::string& name) {
    const auto info = fs.stat(fixture.path(name));
    REQUIRE(info);
    REQUIRE(info->has_value());
    return (*info)->mode;
  };

  {
    UmaskScope permissive(0);
    REQUIRE(fs.write_file(fixture.path("key.pem"), "secret", 0600));
  }
  {
    UmaskScope strict(077);
    REQUIRE(fs.write_file(fixture.path("public.json"), "{}", 0644));
  }
  REQUIRE(fs.write_file(fixture.path("narrowed"), "x", 0644));
  REQUIRE(fs.write_file(fixture.path("narrowed"), "y", 0600));

  CHECK(mode_of("key.pem") == 0600);
  CHECK(mode_of("public.json") == 0644);
  CHECK(mode_of("narrowed") == 0600);
}

TEMPLATE_TEST_CASE("list_directory returns the names sorted", "[filesystem][contract]", PosixFixture,
                   MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  for (const char* name : {"b", "a.tmp", "C", "a"}) REQUIRE(fs.write_file(fixture.path(name), name, 0600));
  REQUIRE(fs.create_directories(fixture.path("d"), 0700));

  const auto listing = fs.list_directory(fixture.path(""));
  REQUIRE(listing);
  CHECK(*listing == std::vector<std::string>{"C", "a", "a.tmp", "b", "d"});
  CHECK(error_code_of(fs.list_directory(fixture.path("a"))) == "fs.not_found");
}

TEMPLATE_TEST_CASE("a directory is neither read nor written as a file", "[filesystem][contract]",
                   PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  REQUIRE(fs.create_directories(fixture.path("d"), 0700));

  CHECK(error_code_of(fs.read_file(fixture.path("d"), kLimit)) == "fs.io");
  CHECK(error_code_of(fs.write_file(fixture.path("d"), "x", 0600)) == "fs.io");
  const auto info = fs.stat(fixture.path("d"));
  REQUIRE(info);
  REQUIRE(info->has_value());
  CHECK((*info)->is_directory);
}

TEMPLATE_TEST_CASE("fsync of a file and of its directory succeed; a file is no directory to fsync",
                   "[filesystem][contract]", PosixFixture, MemoryFixture) {
  TestType fixture;
  FileSystem& fs = fixture.fs();
  REQUIRE(fs.write_file(fixture.path("f"), "x", 0600));

  CHECK(fs.fsync_file(fixture.path("f")));
  CHECK(fs.fsync_directory(fixture.path("")));
  CHECK(error_code_of(fs.fsync_directory(fixture.path("f"))) == "fs.not_found");
}

}  // namespace
}  // namespace margo::contract
