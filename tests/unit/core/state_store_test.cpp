#include <catch2/catch.hpp>

#include "agent/core/state_store.hpp"
#include "sim/adapters/memory_filesystem.hpp"

using namespace margo;

namespace {

AgentState sample_state() {
  AgentState state;
  state.client_id = "client-7";
  state.capabilities_reported = true;
  state.capabilities_sha256 = "abc";
  state.manifest_version = 18446744073709551615ULL;
  state.manifest_etag = "\"sha256:1\"";
  return state;
}

}  // namespace

TEST_CASE("state round-trips through the store, u64 version exact, file mode 0600") {
  MemoryFileSystem fs;
  StateStore store(fs, "/data");
  REQUIRE(store.save(sample_state()).ok());

  StateStore reopened(fs, "/data");
  auto loaded = reopened.load();
  REQUIRE(loaded.ok());
  CHECK_FALSE(loaded->fresh);
  CHECK_FALSE(loaded->recovered);
  CHECK(loaded->state == sample_state());
  auto info = fs.stat("/data/state.json");
  REQUIRE(info.ok());
  REQUIRE(info->has_value());
  CHECK((*info)->mode == 0600);
}

TEST_CASE("no state at all is a fresh start") {
  MemoryFileSystem fs;
  StateStore store(fs, "/data");
  auto loaded = store.load();
  REQUIRE(loaded.ok());
  CHECK(loaded->fresh);
  CHECK(loaded->state == AgentState{});
}

TEST_CASE("a damaged state file falls back to the previous good copy and says so") {
  MemoryFileSystem fs;
  StateStore store(fs, "/data");
  AgentState first = sample_state();
  first.manifest_version = 3;
  REQUIRE(store.save(first).ok());
  AgentState second = first;
  second.manifest_version = 4;
  REQUIRE(store.save(second).ok());

  auto original = fs.read_file("/data/state.json", 1 << 20);
  REQUIRE(original.ok());
  std::string damaged = *original;
  damaged[damaged.find("\"version\": 4") + 11] = '9';  // still valid JSON, checksum now wrong
  REQUIRE(fs.write_file("/data/state.json", damaged, 0600).ok());

  StateStore reopened(fs, "/data");
  auto loaded = reopened.load();
  REQUIRE(loaded.ok());
  CHECK(loaded->state.manifest_version == 3u);
  REQUIRE(loaded->recovered.has_value());
  CHECK_THAT(*loaded->recovered, Catch::Contains("checksum mismatch"));
}

TEST_CASE("when every copy is damaged the store refuses a fresh start") {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/data", 0700).ok());
  REQUIRE(fs.write_file("/data/state.json", "{\"schema\":1,\"sha2", 0600).ok());
  REQUIRE(fs.write_file("/data/state.json.prev", "garbage", 0600).ok());
  StateStore store(fs, "/data");
  auto loaded = store.load();
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == "state.corrupt");
  CHECK_THAT(loaded.error().message, Catch::Contains("Refusing to start fresh"));
}

TEST_CASE("a state file from an unknown schema version is refused, not overwritten") {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/data", 0700).ok());
  REQUIRE(fs.write_file("/data/state.json", R"({"schema": 99, "sha256": "x", "state": {}})", 0600).ok());
  StateStore store(fs, "/data");
  auto loaded = store.load();
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code == "state.unsupported_schema");
}

TEST_CASE("a save is durable: after a power loss right after it, the new state is there") {
  MemoryFileSystem fs;
  StateStore store(fs, "/data");
  REQUIRE(store.save(sample_state()).ok());
  fs.crash();
  StateStore reopened(fs, "/data");
  auto loaded = reopened.load();
  REQUIRE(loaded.ok());
  CHECK(loaded->state == sample_state());
}
