#include <catch2/catch.hpp>

#include "agent/core/agent.hpp"
#include "agent/core/state_store.hpp"
#include "scripted_wfm.hpp"
#include "sim/adapters/memory_filesystem.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/seeded_random.hpp"
#include "sim/adapters/virtual_executor.hpp"

using namespace margo;
using namespace margo::test;
using namespace std::chrono_literals;

namespace {

const std::string kEmptyManifest = R"({"manifestVersion":1,"bundle":null,"deployments":[]})";

struct World {
  VirtualExecutor executor;
  SeededRandom random{11};
  MemoryFileSystem fs{executor};
  RecordingLogSink logs;
  ScriptedWfm wfm{executor};
  std::optional<Error> fatal;
  std::unique_ptr<Agent> agent;

  World() {
    REQUIRE(fs.create_directories("/etc/margo", 0755).ok());
    REQUIRE(
        fs.write_file("/etc/margo/capabilities.json", R"({"kind":"DeviceCapabilitiesManifest"})", 0644).ok());
  }

  AgentSettings settings() const {
    AgentSettings settings;
    settings.data_directory = "/var/lib/margo";
    settings.capabilities_path = "/etc/margo/capabilities.json";
    settings.polling.interval = 15s;
    return settings;
  }

  void start(AgentSettings agent_settings) {
    agent = std::make_unique<Agent>(AgentPorts{executor, random, fs, wfm, {}, logs, LogLevel::debug},
                                    std::move(agent_settings));
    agent->start([this](const Error& error) { fatal = error; });
  }
  void start() { start(settings()); }

  bool logged(std::string_view message) const {
    for (const auto& record : logs.records())
      if (record.message == message) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("first start: onboard, persist the clientId, report capabilities, then poll at once") {
  World world;
  std::optional<AgentState> durable_at_capabilities;
  world.wfm.on_capabilities = [&](bool first, const std::string&) {
    CHECK(first);
    StateStore probe(world.fs, "/var/lib/margo");
    auto loaded = probe.load();
    if (loaded) durable_at_capabilities = loaded->state;
    return Status();
  };
  world.start();
  world.executor.run_for(1s);

  REQUIRE(world.wfm.calls.size() >= 3);
  CHECK(world.wfm.calls[0].kind == "onboard");
  CHECK(world.wfm.calls[1].kind == "capabilities_post");
  CHECK(world.wfm.calls[2].kind == "manifest");
  // The clientId was on disk before the capabilities were reported.
  REQUIRE(durable_at_capabilities.has_value());
  CHECK(durable_at_capabilities->client_id == "client-1");
  CHECK(world.wfm.client_id == "client-1");
  CHECK(world.agent->phase() == AgentPhase::polling);
  CHECK(world.agent->state().capabilities_reported);
}

TEST_CASE("a restart with a stored clientId does not onboard again") {
  World world;
  world.start();
  world.executor.run_for(1s);
  REQUIRE(world.wfm.count("onboard") == 1);
  world.agent.reset();
  world.fs.crash();

  world.start();
  world.executor.run_for(1s);
  CHECK(world.wfm.count("onboard") == 1);
  CHECK(world.wfm.count("capabilities_post") == 1);
  CHECK(world.wfm.count("capabilities_put") == 0);  // unchanged file: nothing to re-send
  CHECK(world.wfm.count("manifest") == 2);
}

TEST_CASE("onboarding refused with 400, 401, 403 or 409 stops the agent after one request") {
  for (const int status : {400, 401, 403, 409}) {
    INFO(status);
    World world;
    world.wfm.on_onboard = [status] { return Result<std::string>(http_error(status)); };
    world.start();
    world.executor.run_for(24h);
    CHECK(world.wfm.count("onboard") == 1);
    CHECK(world.wfm.calls.size() == 1);
    REQUIRE(world.fatal.has_value());
    CHECK(world.fatal->http_status == status);
    CHECK_THAT(world.fatal->message, Catch::Contains("onboarding refused"));
    CHECK(world.agent->phase() == AgentPhase::failed);
  }
}

TEST_CASE("onboarding whose 201 was lost: the retry gets 409, and the agent stops saying what to do") {
  World world;
  int attempts = 0;
  world.wfm.on_onboard = [&]() -> Result<std::string> {
    if (++attempts == 1) return retryable_error("http.connection_lost", "connection lost (reset by peer)");
    return http_error(409);
  };
  world.start();
  world.executor.run_for(24h);
  CHECK(world.wfm.count("onboard") == 2);
  REQUIRE(world.fatal.has_value());
  CHECK(world.fatal->http_status == 409);
  CHECK_THAT(world.fatal->message, Catch::Contains("earlier attempt whose answer (the clientId) was lost"));
  CHECK_THAT(world.fatal->message, Catch::Contains("remove that registration"));
  std::size_t fatal_lines = 0;
  for (const auto& record : world.logs.records()) fatal_lines += record.level == LogLevel::fatal ? 1 : 0;
  CHECK(fatal_lines == 2);  // "onboarding refused" with the advice, then "agent stopped"
  CHECK(world.agent->phase() == AgentPhase::failed);
}

TEST_CASE("onboarding retries transient failures with growing delays and honours Retry-After") {
  World world;
  int attempts = 0;
  world.wfm.on_onboard = [&]() -> Result<std::string> {
    ++attempts;
    if (attempts == 1) return http_error(503, 120s);
    if (attempts < 5) return retryable_error("http.connect_failed", "connection refused");
    return std::string("client-9");
  };
  world.start();
  world.executor.run_for(1h);
  REQUIRE(world.wfm.count("onboard") == 5);
  const auto& calls = world.wfm.calls;
  CHECK(calls[1].at - calls[0].at >= 120s);  // Retry-After respected
  CHECK(calls[3].at - calls[2].at > calls[2].at - calls[1].at - 2s);
  CHECK(world.wfm.client_id == "client-9");
  CHECK_FALSE(world.fatal.has_value());
}

TEST_CASE("polls follow the interval with jitter; If-None-Match carries the accepted ETag") {
  World world;
  int polls = 0;
  world.wfm.on_manifest = [&](const std::optional<std::string>& etag) -> Result<ManifestFetch> {
    ++polls;
    if (polls == 1) {
      CHECK_FALSE(etag.has_value());
      return manifest_response(kEmptyManifest, "\"etag-1\"");
    }
    CHECK(etag == std::optional<std::string>("\"etag-1\""));
    ManifestFetch not_modified;
    not_modified.not_modified = true;
    return not_modified;
  };
  world.start();
  world.executor.run_for(10min);
  CHECK(world.agent->state().manifest_version == 1u);
  CHECK(world.agent->state().manifest_etag == "\"etag-1\"");
  const auto& counters = world.agent->poll_counters();
  CHECK(counters.accepted == 1);
  CHECK(counters.not_modified == counters.polls - 1);
  // 10 minutes at 15 s +/- 10 %: between 36 and 45 polls after the first.
  CHECK(counters.polls >= 37);
  CHECK(counters.polls <= 46);
  std::vector<MonoTime> times;
  for (const auto& call : world.wfm.calls)
    if (call.kind == "manifest") times.push_back(call.at);
  for (std::size_t i = 1; i < times.size(); ++i) {
    CHECK(times[i] - times[i - 1] >= 13500ms - 20ms);
    CHECK(times[i] - times[i - 1] <= 16500ms + 20ms);
  }
}

TEST_CASE("a 5xx storm backs off instead of looping: an hour of 503s costs a few dozen requests") {
  World world;
  world.wfm.on_manifest = [](const std::optional<std::string>&) -> Result<ManifestFetch> {
    return http_error(503);
  };
  world.start();
  world.executor.run_for(1h);
  const auto& counters = world.agent->poll_counters();
  CHECK(counters.failed == counters.polls);
  CHECK(counters.polls >= 10);
  CHECK(counters.polls <= 30);
}

TEST_CASE("rollback and malformed manifests are rejected, logged once, and polling keeps its pace") {
  World world;
  int polls = 0;
  world.wfm.on_manifest = [&](const std::optional<std::string>&) -> Result<ManifestFetch> {
    ++polls;
    if (polls == 1)
      return manifest_response(R"({"manifestVersion":5,"bundle":null,"deployments":[]})", "\"e5\"");
    return manifest_response(R"({"manifestVersion":4,"bundle":null,"deployments":[]})", "\"e4\"");
  };
  world.start();
  world.executor.run_for(5min);
  CHECK(world.agent->state().manifest_version == 5u);
  const auto& counters = world.agent->poll_counters();
  CHECK(counters.rejected == counters.polls - 1);
  CHECK(counters.polls <= 25);  // normal interval, no tight loop
  std::size_t security_events = 0;
  for (const auto& record : world.logs.records())
    security_events += record.message == "security event: manifest rejected" ? 1 : 0;
  CHECK(security_events == 1);
}

TEST_CASE("a wrong Content-Type is rejected before the body is looked at") {
  World world;
  world.wfm.on_manifest = [](const std::optional<std::string>&) -> Result<ManifestFetch> {
    return manifest_response(kEmptyManifest, "\"e\"", "text/html");
  };
  world.start();
  world.executor.run_for(1min);
  CHECK_FALSE(world.agent->state().manifest_version.has_value());
  CHECK(world.logged("security event: manifest rejected"));
}

TEST_CASE("capabilities: POST once, PUT when the file content changes, nothing when it does not") {
  World world;
  world.start();
  world.executor.run_for(1min);
  CHECK(world.wfm.count("capabilities_post") == 1);
  CHECK(world.wfm.count("capabilities_put") == 0);

  REQUIRE(
      world.fs
          .write_file("/etc/margo/capabilities.json", R"({"kind":"DeviceCapabilitiesManifest","v":2})", 0644)
          .ok());
  world.executor.run_for(1min);
  CHECK(world.wfm.count("capabilities_put") == 1);

  // Touched but identical content: no report.
  REQUIRE(
      world.fs
          .write_file("/etc/margo/capabilities.json", R"({"kind":"DeviceCapabilitiesManifest","v":2})", 0644)
          .ok());
  world.executor.run_for(1min);
  CHECK(world.wfm.count("capabilities_put") == 1);
}

TEST_CASE("an invalid capabilities file is logged, not sent, and does not block polling") {
  World world;
  REQUIRE(world.fs.write_file("/etc/margo/capabilities.json", "{not json", 0644).ok());
  world.start();
  world.executor.run_for(1min);
  CHECK(world.wfm.count("capabilities_post") == 0);
  CHECK(world.wfm.count("manifest") >= 1);
  CHECK(world.logged("capabilities file is not a JSON object; not reported"));
}

TEST_CASE("stop waits for in-flight work, then reports stopped") {
  World world;
  world.wfm.latency = 5s;
  world.start();
  world.executor.run_for(1s);  // onboarding request in flight
  bool stopped = false;
  world.agent->stop([&] { stopped = true; });
  world.executor.run_for(1s);
  CHECK_FALSE(stopped);
  world.executor.run_for(10s);
  CHECK(stopped);
  CHECK(world.agent->phase() == AgentPhase::stopped);
  const auto calls = world.wfm.calls.size();
  world.executor.run_for(1h);
  CHECK(world.wfm.calls.size() == calls);  // nothing new after stop
}

TEST_CASE("a damaged state with no good copy stops the agent instead of onboarding again") {
  World world;
  REQUIRE(world.fs.create_directories("/var/lib/margo", 0700).ok());
  REQUIRE(world.fs.write_file("/var/lib/margo/state.json", "{broken", 0600).ok());
  world.start();
  world.executor.run_for(1min);
  REQUIRE(world.fatal.has_value());
  CHECK(world.fatal->code == "state.corrupt");
  CHECK(world.wfm.calls.empty());
}
