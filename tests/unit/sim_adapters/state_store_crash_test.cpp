// The agent's state file under power loss: StateStore::save is cut at every filesystem mutation, and
// after a restart load() must give the old or the new state: never an error, never a fresh start.

#include <catch2/catch.hpp>

#include <string>

#include "agent/core/state_store.hpp"
#include "sim/adapters/memory_filesystem.hpp"
#include "sim/adapters/seeded_random.hpp"

namespace margo {
namespace {

const std::string kDirectory = "/var/lib/margo";

AgentState state_at(std::uint64_t manifest_version) {
  AgentState state;
  state.client_id = "device-0042";
  state.capabilities_reported = true;
  state.capabilities_sha256 = std::string(64, 'a');
  state.manifest_version = manifest_version;
  state.manifest_etag = "\"etag-" + std::to_string(manifest_version) + "\"";
  return state;
}

// A filesystem where earlier saves have left `history` states behind (the last one current).
void save_history(MemoryFileSystem& fs, int history) {
  StateStore store(fs, kDirectory);
  for (int version = 1; version <= history; ++version) REQUIRE(store.save(state_at(version)));
}

// Mutations made by one save after a load, as the agent does it.
std::uint64_t save_steps(int history) {
  MemoryFileSystem fs;
  save_history(fs, history);
  StateStore store(fs, kDirectory);
  REQUIRE(store.load());
  const auto before = fs.mutation_count();
  REQUIRE(store.save(state_at(100)));
  return fs.mutation_count() - before;
}

TEST_CASE("StateStore keeps the old or the new state when a save is cut at any mutation",
          "[state_store][crash_points]") {
  const int history = GENERATE(1, 2);  // a current state only, or one with a previous copy as well
  const bool torn = GENERATE(false, true);
  const std::uint64_t steps = save_steps(history);
  INFO("earlier saves: " << history << ", torn writes: " << torn << ", mutations per save: " << steps);
  REQUIRE(steps >= 5);  // directory, then the previous copy and the state file, each replaced durably
  const AgentState old_state = state_at(history);
  const AgentState new_state = state_at(100);

  for (std::uint64_t step = 1; step <= steps; ++step) {
    for (std::uint64_t seed = 1; seed <= (torn ? 4u : 1u); ++seed) {
      INFO("crash at mutation " << step << ", seed " << seed);
      MemoryFileSystem fs;
      save_history(fs, history);
      SeededRandom tear(seed);
      {
        StateStore store(fs, kDirectory);
        REQUIRE(store.load());
        fs.crash_at(step, torn ? &tear : nullptr);
        const auto saved = store.save(new_state);
        REQUIRE_FALSE(saved);
        CHECK(saved.error().code == "fs.crashed");
      }
      fs.restart();

      StateStore restarted(fs, kDirectory);
      const auto loaded = restarted.load();
      REQUIRE(loaded);
      CHECK_FALSE(loaded->fresh);
      CHECK((loaded->state == old_state || loaded->state == new_state));
    }
  }
}

TEST_CASE("a completed save survives a crash right after it", "[state_store][crash_points]") {
  MemoryFileSystem fs;
  save_history(fs, 1);
  {
    StateStore store(fs, kDirectory);
    REQUIRE(store.load());
    REQUIRE(store.save(state_at(2)));
  }
  fs.crash();

  StateStore restarted(fs, kDirectory);
  const auto loaded = restarted.load();
  REQUIRE(loaded);
  CHECK_FALSE(loaded->recovered.has_value());
  CHECK(loaded->state == state_at(2));
}

}  // namespace
}  // namespace margo
