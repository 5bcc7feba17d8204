#include <catch2/catch.hpp>

#include "agent/core/encoding.hpp"
#include "agent/runtime/compose/package_store.hpp"
#include "sim/adapters/memory_filesystem.hpp"

using namespace margo;

namespace {

const std::string kStoreWork = "/data/compose";

PackageContents package(const std::string& marker) {
  return PackageContents{"compose.yaml",
                         {{"compose.yaml", "services: {app: {image: x}}\n# " + marker + "\n"},
                          {"config/app.ini", "marker=" + marker + "\n"},
                          {"config/deep/more.txt", marker}}};
}

std::string id_of(const std::string& marker) {
  return sha256_hex(marker);
}

// What the project has in force, read back as a restarted agent would: the active package's compose
// file and one of its other files, or "" when none is active.
std::string in_force(FileSystem& fs, const std::string& project) {
  ProjectStore store(fs, kStoreWork);
  auto active = store.active(project);
  REQUIRE(active.ok());
  if (!*active) return "";
  auto compose = fs.read_file((*active)->compose_file, 1 << 20);
  auto config = fs.read_file((*active)->directory + "/config/app.ini", 1 << 20);
  auto deep = fs.read_file((*active)->directory + "/config/deep/more.txt", 1 << 20);
  REQUIRE(compose.ok());
  REQUIRE(config.ok());
  REQUIRE(deep.ok());
  const std::string marker = *deep;
  CHECK(*compose == package(marker).files[0].content);
  CHECK(*config == "marker=" + marker + "\n");
  return marker;
}

}  // namespace

TEST_CASE("a stored package becomes active only when asked, and old ones go afterwards", "[compose][store]") {
  MemoryFileSystem fs;
  ProjectStore store(fs, kStoreWork);
  auto first = store.store("shop", id_of("one"), package("one"));
  REQUIRE(first.ok());
  CHECK(first->name == "pkg-" + id_of("one").substr(0, 16));
  CHECK(first->compose_file == kStoreWork + "/shop/" + first->name + "/compose.yaml");
  CHECK(in_force(fs, "shop").empty());
  REQUIRE(store.activate("shop", *first).ok());
  CHECK(in_force(fs, "shop") == "one");
  auto project_dir = fs.stat(kStoreWork + "/shop");
  REQUIRE(project_dir.ok());
  CHECK((*project_dir)->mode == 0700);

  auto second = store.store("shop", id_of("two"), package("two"));
  REQUIRE(second.ok());
  CHECK(in_force(fs, "shop") == "one");
  REQUIRE(store.activate("shop", *second).ok());
  REQUIRE(store.discard_inactive("shop").ok());
  CHECK(in_force(fs, "shop") == "two");
  auto names = fs.list_directory(kStoreWork + "/shop");
  REQUIRE(names.ok());
  CHECK(*names == std::vector<std::string>{"active", second->name});

  // The same bytes again: nothing rewritten.
  const auto mutations = fs.mutation_count();
  REQUIRE(store.store("shop", id_of("two"), package("two")).ok());
  CHECK(fs.mutation_count() == mutations + 1);  // create_directories of the project only

  REQUIRE(store.remove_project("shop").ok());
  CHECK_FALSE(*fs.stat(kStoreWork + "/shop"));
  CHECK(store.remove_project("shop").ok());  // removing what is not there
}

TEST_CASE("a crash at any filesystem step leaves the old or the new package in force, whole",
          "[compose][store][crash]") {
  bool reached_the_end = false;
  for (std::uint64_t crash_at = 1; !reached_the_end; ++crash_at) {
    INFO("crash at mutation " << crash_at);
    MemoryFileSystem fs;
    ProjectStore store(fs, kStoreWork);
    auto old_package = store.store("shop", id_of("old"), package("old"));
    REQUIRE(old_package.ok());
    REQUIRE(store.activate("shop", *old_package).ok());

    fs.crash_at(crash_at);
    auto update = [&]() -> Status {
      auto stored = store.store("shop", id_of("new"), package("new"));
      if (!stored) return stored.error();
      if (auto activated = store.activate("shop", *stored); !activated) return activated;
      return store.discard_inactive("shop");
    };
    const Status outcome = update();
    reached_the_end = !fs.crashed();
    if (reached_the_end) {
      REQUIRE(outcome.ok());
      fs.crash();  // a power cut after the update finished keeps it
    }
    fs.restart();
    const std::string marker = in_force(fs, "shop");
    CHECK((marker == "old" || marker == "new"));
    if (reached_the_end) CHECK(marker == "new");

    // And the agent can carry on from there: the update succeeds on the survivor.
    REQUIRE(update().ok());
    CHECK(in_force(fs, "shop") == "new");
    REQUIRE(crash_at < 200);
  }
}

TEST_CASE("a corrupt active file is reported, not trusted", "[compose][store]") {
  MemoryFileSystem fs;
  ProjectStore store(fs, kStoreWork);
  REQUIRE(fs.create_directories(kStoreWork + "/shop", 0700).ok());
  for (const std::string bad : {"not json", R"({"package":"../../etc","composeFile":"compose.yaml"})",
                                R"({"package":"pkg-0123456789abcdef","composeFile":"../x"})",
                                R"({"package":"pkg-0123456789abcdef"})", "[]"}) {
    INFO(bad);
    REQUIRE(fs.write_file(kStoreWork + "/shop/active", bad, 0600).ok());
    auto active = store.active("shop");
    REQUIRE_FALSE(active.ok());
    CHECK(active.error().code == "compose.state_corrupt");
  }
}
