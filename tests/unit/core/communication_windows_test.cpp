// Checklist 4 and 5: polling hours and downtime windows, and the WFM calls kept to them.

#include <catch2/catch.hpp>

#include "agent/core/communication_windows.hpp"
#include "agent/core/windowed_wfm.hpp"
#include "scripted_wfm.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/seeded_random.hpp"
#include "sim/adapters/virtual_executor.hpp"

using namespace margo;
using namespace margo::test;
using namespace std::chrono_literals;

namespace {

// 2026-01-01 plus a time of day.
WallTime at(int hours, int minutes, int day = 0) {
  return VirtualExecutor::default_wall_start() + std::chrono::hours(24 * day + hours) +
         std::chrono::minutes(minutes);
}

DailyWindow window(std::string_view text) {
  auto parsed = parse_daily_window(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

}  // namespace

TEST_CASE("daily windows parse HH:MM-HH:MM, may cross midnight, and refuse what makes no sense") {
  CHECK(window("06:00-22:00") == DailyWindow{360, 1320});
  CHECK(window("23:30-00:30") == DailyWindow{1410, 30});
  CHECK(window("23:30-00:30").contains(1439));
  CHECK(window("23:30-00:30").contains(0));
  CHECK_FALSE(window("23:30-00:30").contains(30));
  for (const std::string_view bad :
       {"6:00-22:00", "06:00", "24:00-01:00", "06:60-07:00", "06:00-06:00", "a"}) {
    INFO(bad);
    const auto parsed = parse_daily_window(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == "window.invalid");
    CHECK(parsed.error().message.find(std::string(bad.substr(0, 5))) != std::string::npos);
  }
}

TEST_CASE("open inside the polling hours and outside every downtime; until_open says how long") {
  CommunicationPolicy policy;
  policy.polling_hours = window("06:00-22:00");
  policy.downtimes = {window("12:00-12:30")};
  const CommunicationWindows windows(policy);
  CHECK(windows.open(at(6, 0)));
  CHECK_FALSE(windows.open(at(5, 59)));
  CHECK_FALSE(windows.open(at(12, 10)));
  CHECK(windows.in_downtime(at(12, 10)));
  CHECK_FALSE(windows.in_downtime(at(23, 0)));
  CHECK(windows.until_open(at(12, 10)) == 20min);
  CHECK(windows.until_open(at(22, 0)) == 8h);
  CHECK(windows.until_open(at(9, 0)) == 0min);
  CHECK(windows.until_open(at(5, 59) + 30s) == 30s);
}

TEST_CASE("local time comes from the injected offset") {
  CommunicationPolicy policy;
  policy.downtimes = {window("02:00-03:00")};
  policy.utc_offset = [](WallTime) -> Duration { return 2h; };  // 02:00 local is 00:00 UTC
  const CommunicationWindows windows(policy);
  CHECK(windows.in_downtime(at(0, 30)));
  CHECK_FALSE(windows.in_downtime(at(2, 30)));
}

TEST_CASE("a policy whose downtimes cover all its polling hours is never open") {
  CommunicationPolicy policy;
  policy.polling_hours = window("08:00-10:00");
  policy.downtimes = {window("07:00-11:00")};
  CHECK_FALSE(policy.ever_open());
  policy.downtimes = {window("09:00-11:00")};
  CHECK(policy.ever_open());
}

TEST_CASE("WindowedWfm: no call inside a downtime, released after it; errors in it are ignored") {
  VirtualExecutor executor(at(23, 0));
  SeededRandom random(3);
  RecordingLogSink logs;
  ScriptedWfm inner(executor);
  CommunicationPolicy policy;
  policy.downtimes = {window("23:30-00:30")};
  WindowedWfm wfm(executor, random, inner, CommunicationWindows(policy),
                  Logger(logs, executor, LogLevel::debug, "w"), 1min);
  int answered = 0;
  const auto poll = [&] {
    wfm.fetch_manifest(std::nullopt, [&](Result<ManifestFetch> r) { answered += r.ok(); });
  };

  poll();  // open: straight through
  executor.run_for(1s);
  CHECK(inner.count("manifest") == 1);

  executor.run_for(40min);  // now 23:40, inside the downtime
  poll();
  executor.run_for(45min);  // 00:25: still inside
  CHECK(inner.count("manifest") == 1);
  executor.run_for(7min);  // 00:32: released within the one-minute spread
  CHECK(inner.count("manifest") == 2);
  CHECK(answered == 2);
  for (const auto& call : inner.calls) {
    const WallTime when = at(23, 0) + (call.at - MonoTime(0));
    CHECK_FALSE(CommunicationWindows(policy).in_downtime(when));
  }

  SECTION("a call in flight when the downtime begins fails: it goes again after the downtime") {
    VirtualExecutor late(at(23, 29) + 50s);
    ScriptedWfm slow(late);
    slow.latency = 20s;  // answers at 23:30:10, inside the downtime
    int attempts = 0;
    slow.on_manifest = [&](const std::optional<std::string>&) {
      return ++attempts == 1 ? Result<ManifestFetch>(retryable_error("http.timeout", "no data"))
                             : Result<ManifestFetch>(ManifestFetch{true, "", "", ""});
    };
    WindowedWfm windowed(late, random, slow, CommunicationWindows(policy),
                         Logger(logs, late, LogLevel::debug, "w"), 1min);
    std::optional<Result<ManifestFetch>> result;
    windowed.fetch_manifest(std::nullopt, [&](Result<ManifestFetch> r) { result = std::move(r); });
    late.run_for(30min);
    CHECK_FALSE(result.has_value());  // the error was not handed on
    late.run_for(35min);
    REQUIRE(result.has_value());
    CHECK(result->ok());
    CHECK(attempts == 2);
  }
  SECTION("stop fails the calls still waiting") {
    executor.run_for(23h);  // back in the downtime the next night
    std::optional<Result<ManifestFetch>> result;
    wfm.fetch_manifest(std::nullopt, [&](Result<ManifestFetch> r) { result = std::move(r); });
    wfm.stop();
    executor.run_for(1s);
    REQUIRE(result.has_value());
    CHECK(result->error().code == "wfm.window_closed");
  }
}
