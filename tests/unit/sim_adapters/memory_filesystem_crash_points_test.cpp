// Crash injection: crash_at(n) pulls the plug at exactly the n-th mutating call, which lets a test
// enumerate every crash point of a write sequence.

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "agent/core/durable_file.hpp"
#include "sim/adapters/memory_filesystem.hpp"
#include "sim/adapters/seeded_random.hpp"
#include "tests/unit/sim_adapters/scripted_random.hpp"

namespace margo {
namespace {

constexpr std::size_t kLimit = 1 << 20;

TEST_CASE("mutation_count counts every mutating call, failed ones too, and no reads",
          "[memory_filesystem][crash_points]") {
  MemoryFileSystem fs;
  CHECK(fs.mutation_count() == 0);
  REQUIRE(fs.create_directories("/d", 0700));
  REQUIRE(fs.write_file("/d/f", "x", 0600));
  REQUIRE(fs.fsync_file("/d/f"));
  REQUIRE(fs.rename("/d/f", "/d/g"));
  REQUIRE(fs.fsync_directory("/d"));
  REQUIRE(fs.remove("/d/g"));
  CHECK(fs.mutation_count() == 6);

  CHECK_FALSE(fs.write_file("/missing/f", "x", 0600));
  CHECK(fs.mutation_count() == 7);

  CHECK_FALSE(fs.read_file("/d/g", kLimit));
  CHECK(fs.stat("/d"));
  CHECK(fs.list_directory("/d"));
  CHECK(fs.mutation_count() == 7);
}

TEST_CASE("crash_at(n) stops exactly the n-th mutation and every later call until restart",
          "[memory_filesystem][crash_points]") {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/d", 0700));
  REQUIRE(fs.write_file("/d/durable", "kept", 0600));
  REQUIRE(fs.fsync_file("/d/durable"));
  REQUIRE(fs.fsync_directory("/d"));

  fs.crash_at(3);  // counted from here
  REQUIRE(fs.write_file("/d/f", "content", 0600));
  REQUIRE(fs.fsync_file("/d/f"));
  CHECK_FALSE(fs.crashed());
  const auto count_before = fs.mutation_count();

  const auto third = fs.fsync_directory("/d");  // would have made /d/f durable
  REQUIRE_FALSE(third);
  CHECK(third.error().code == "fs.crashed");
  CHECK(fs.crashed());
  CHECK(fs.mutation_count() == count_before + 1);

  CHECK(fs.read_file("/d/durable", kLimit).error().code == "fs.crashed");
  CHECK(fs.stat("/d").error().code == "fs.crashed");
  CHECK(fs.list_directory("/d").error().code == "fs.crashed");
  CHECK(fs.write_file("/d/other", "x", 0600).error().code == "fs.crashed");
  CHECK(fs.fsync_directory("/d").error().code == "fs.crashed");
  CHECK(fs.mutation_count() == count_before + 1);  // refused calls do not count

  fs.restart();
  CHECK_FALSE(fs.crashed());
  const auto listing = fs.list_directory("/d");
  REQUIRE(listing);
  CHECK(*listing == std::vector<std::string>{"durable"});
  CHECK(fs.read_file("/d/durable", kLimit).value() == "kept");
  CHECK(fs.write_file("/d/other", "x", 0600));
}

TEST_CASE("crash_at(0) disarms and restart clears a pending crash", "[memory_filesystem][crash_points]") {
  MemoryFileSystem fs;
  fs.crash_at(1);
  fs.crash_at(0);
  CHECK(fs.create_directories("/d", 0700));

  fs.crash_at(2);
  fs.restart();
  CHECK(fs.write_file("/d/a", "x", 0600));
  CHECK(fs.write_file("/d/b", "x", 0600));
  CHECK_FALSE(fs.crashed());
}

TEST_CASE("an armed crash can tear unsynced files", "[memory_filesystem][crash_points]") {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/d", 0700));
  REQUIRE(fs.write_file("/d/f", "0123456789", 0600));
  REQUIRE(fs.fsync_directory("/d"));  // the name is durable, the content is not
  ScriptedRandom tear({1, 6});

  fs.crash_at(1, &tear);
  CHECK(fs.fsync_file("/d/f").error().code == "fs.crashed");
  fs.restart();
  CHECK(fs.read_file("/d/f", kLimit).value() == "012345");
}

// Runs write_file_durably on a fresh filesystem (holding `before` at the target, or nothing) with a
// crash armed at step n (0: none), then restarts and returns what the target holds.
struct ReplaceOutcome {
  bool succeeded = false;
  std::optional<std::string> content;
};

ReplaceOutcome replace_with_crash(const std::optional<std::string>& before, std::uint64_t crash_step,
                                  Random* tear) {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/state", 0700));
  if (before) REQUIRE(write_file_durably(fs, "/state/f", *before, 0600));
  fs.crash_at(crash_step, tear);
  ReplaceOutcome outcome;
  const auto written = write_file_durably(fs, "/state/f", "the new content", 0600);
  outcome.succeeded = static_cast<bool>(written);
  if (!written) CHECK(written.error().code == "fs.crashed");
  if (crash_step == 0) fs.crash();  // even after success: the power may go right away
  fs.restart();
  auto read = fs.read_file("/state/f", kLimit);
  if (read) outcome.content = std::move(read).value();
  return outcome;
}

std::uint64_t durable_replace_steps() {
  MemoryFileSystem fs;
  REQUIRE(fs.create_directories("/state", 0700));
  const auto before = fs.mutation_count();
  REQUIRE(write_file_durably(fs, "/state/f", "the new content", 0600));
  return fs.mutation_count() - before;
}

TEST_CASE("write tmp, fsync, rename, fsync dir leaves the old or the new content at every crash point",
          "[memory_filesystem][crash_points]") {
  const std::uint64_t steps = durable_replace_steps();
  REQUIRE(steps == 4);
  const bool torn = GENERATE(false, true);
  const std::optional<std::string> before =
      GENERATE(std::optional<std::string>("the old content"), std::optional<std::string>());
  INFO("torn writes: " << torn << ", existing target: " << before.has_value());

  for (std::uint64_t step = 1; step <= steps; ++step) {
    for (std::uint64_t seed = 1; seed <= (torn ? 8u : 1u); ++seed) {
      INFO("crash at step " << step << ", seed " << seed);
      SeededRandom tear(seed);
      const auto outcome = replace_with_crash(before, step, torn ? &tear : nullptr);
      CHECK_FALSE(outcome.succeeded);
      // Not yet durable at any step before the directory fsync has returned.
      CHECK(outcome.content == before);
    }
  }
  const auto completed = replace_with_crash(before, 0, nullptr);
  CHECK(completed.succeeded);
  CHECK(completed.content == std::optional<std::string>("the new content"));
}

}  // namespace
}  // namespace margo
