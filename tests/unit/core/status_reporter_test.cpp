// The status reporter's conversation with the WFM, pinned down with a mock: what it sends, in which
// order, and what it does with each answer.

#include <catch2/catch.hpp>
#include <catch2/trompeloeil.hpp>

#include <nlohmann/json.hpp>

#include "agent/core/status_report.hpp"
#include "agent/core/status_reporter.hpp"
#include "sim/adapters/memory_filesystem.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/seeded_random.hpp"
#include "sim/adapters/virtual_executor.hpp"

using namespace margo;
using namespace std::chrono_literals;
using trompeloeil::_;

namespace {

class MockWfm final : public WfmApi {
 public:
  MAKE_MOCK1(set_client_id, void(const std::string&), override);
  MAKE_MOCK1(fetch_root_ca, void(Callback<std::string>), override);
  MAKE_MOCK1(onboard, void(Callback<std::string>), override);
  MAKE_MOCK3(report_capabilities, void(bool, const std::string&, Callback<void>), override);
  MAKE_MOCK2(fetch_manifest, void(const std::optional<std::string>&, Callback<ManifestFetch>), override);
  MAKE_MOCK3(fetch_artifact, void(const std::string&, std::size_t, Callback<std::string>), override);
  MAKE_MOCK3(post_status, void(const std::string&, const std::string&, Callback<void>), override);
};

struct Fixture {
  VirtualExecutor executor;
  SeededRandom random{5};
  MemoryFileSystem fs;
  RecordingLogSink logs;
  StateStore store{fs, "/data"};
  std::unique_ptr<PersistedState> state;
  MockWfm wfm;
  std::unique_ptr<StatusReporter> reporter;

  explicit Fixture(const std::vector<std::string>& deployments) {
    AgentState initial;
    initial.client_id = "c-1";
    for (const auto& id : deployments) {
      DeploymentRecord record;
      record.id = id;
      queue_status_report(initial, record);
    }
    state = std::make_unique<PersistedState>(store, initial);
    reporter = std::make_unique<StatusReporter>(executor, random, wfm, *state,
                                                Logger(logs, executor, LogLevel::debug, "s"),
                                                BackoffPolicy{1s, 1min, 2.0, 0.5, 1h});
  }

  // Completes a post_status call through the executor, as a real client would.
  void answer(Callback<void> done, Status result) {
    executor.post([done = std::move(done), result] { done(result); });
  }
};

// The overall state a report body carries.
std::string state_in(const std::string& body) {
  return nlohmann::json::parse(body)["status"]["state"].get<std::string>();
}

}  // namespace

TEST_CASE("reports go out one at a time, oldest first, and leave the outbox only when accepted") {
  Fixture fixture({"d-1", "d-2", "d-3"});
  trompeloeil::sequence order;
  REQUIRE_CALL(fixture.wfm, post_status("d-1", _, _))
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(CHECK(fixture.state->get().outbox.size() == 3))
      .LR_SIDE_EFFECT(fixture.answer(_3, Status()));
  REQUIRE_CALL(fixture.wfm, post_status("d-2", _, _))
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(CHECK(fixture.state->get().outbox.size() == 2))
      .LR_SIDE_EFFECT(fixture.answer(_3, Status()));
  REQUIRE_CALL(fixture.wfm, post_status("d-3", _, _))
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(fixture.answer(_3, Status()));
  fixture.reporter->kick();
  fixture.executor.run_until_idle();
  CHECK(fixture.state->get().outbox.empty());
  CHECK(fixture.reporter->counters().delivered == 3);
}

TEST_CASE("a transient failure keeps the report at the head and retries it after a backoff") {
  Fixture fixture({"d-1", "d-2"});
  trompeloeil::sequence order;
  std::vector<MonoTime> attempts;
  REQUIRE_CALL(fixture.wfm, post_status("d-1", _, _))
      .TIMES(3)
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(attempts.push_back(fixture.executor.now()))
      .LR_SIDE_EFFECT(
          fixture.answer(_3, Error{"wfm.http_503", "down", ErrorClass::retryable, 503, std::nullopt}));
  REQUIRE_CALL(fixture.wfm, post_status("d-1", _, _))
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(fixture.answer(_3, Status()));
  REQUIRE_CALL(fixture.wfm, post_status("d-2", _, _))
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(fixture.answer(_3, Status()));
  fixture.reporter->kick();
  fixture.executor.run_until_idle();
  REQUIRE(attempts.size() == 3);
  CHECK(attempts[1] - attempts[0] >= 500ms);  // backoff, not a tight loop
  CHECK(attempts[2] - attempts[1] >= 1000ms);
  CHECK(fixture.reporter->counters().failures == 3);
  CHECK(fixture.state->get().outbox.empty());
}

TEST_CASE("a report the WFM refuses outright (422) is dropped, and the queue goes on") {
  Fixture fixture({"d-1", "d-2"});
  trompeloeil::sequence order;
  REQUIRE_CALL(fixture.wfm, post_status("d-1", _, _))
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(
          fixture.answer(_3, Error{"wfm.http_422", "semantic", ErrorClass::permanent, 422, std::nullopt}));
  REQUIRE_CALL(fixture.wfm, post_status("d-2", _, _))
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(fixture.answer(_3, Status()));
  fixture.reporter->kick();
  fixture.executor.run_until_idle();
  CHECK(fixture.reporter->counters().refused == 1);
  CHECK(fixture.reporter->counters().delivered == 1);
  CHECK(fixture.state->get().outbox.empty());
}

TEST_CASE("only 400, 413 and 422 end a report; any other answer is retried until it is taken") {
  const int status = GENERATE(400, 413, 422, 404, 409, 410, 500, 503);
  const bool ends = status == 400 || status == 413 || status == 422;
  Fixture fixture({"d-1"});
  int attempts = 0;
  ALLOW_CALL(fixture.wfm, post_status("d-1", _, _))
      .LR_SIDE_EFFECT(fixture.answer(_3, ++attempts == 1
                                             ? Status(Error{"wfm.http_" + std::to_string(status), "no",
                                                            ErrorClass::permanent, status, std::nullopt})
                                             : Status()));
  fixture.reporter->kick();
  fixture.executor.run_until_idle();
  INFO("status " << status);
  CHECK(attempts == (ends ? 1 : 2));
  CHECK(fixture.state->get().outbox.empty());
  CHECK(fixture.reporter->counters().refused == (ends ? 1u : 0u));
  CHECK(fixture.reporter->counters().delivered == (ends ? 0u : 1u));
}

TEST_CASE("while the WFM is unreachable, a deployment's reports coalesce to its newest") {
  Fixture fixture({"d-1", "d-2"});
  int failures = 0;
  std::vector<std::string> delivered;
  ALLOW_CALL(fixture.wfm, post_status(_, _, _))
      .LR_SIDE_EFFECT(if (++failures <= 2) fixture.answer(
          _3, Error{"http.connect_failed", "down", ErrorClass::retryable, 0, std::nullopt});
                      else {
                        delivered.push_back(_1 + ":" + state_in(_2));
                        fixture.answer(_3, Status());
                      });
  fixture.reporter->kick();
  fixture.executor.run_one();  // the first attempt fails; the reporter waits to retry
  for (const auto state : {DeploymentState::installing, DeploymentState::installed}) {
    AgentState next = fixture.state->get();
    DeploymentRecord record;
    record.id = "d-1";
    record.state = state;
    queue_status_report(next, record);
    REQUIRE(fixture.state->commit(next).ok());
    fixture.reporter->kick();
    CHECK(fixture.state->get().outbox.size() == 2);
  }
  fixture.executor.run_until_idle();
  CHECK(delivered == std::vector<std::string>{"d-2:pending", "d-1:installed"});
  CHECK(fixture.state->get().outbox.empty());
}

TEST_CASE("while the WFM answers, every report goes out: nothing coalesces") {
  Fixture fixture({"d-1"});
  std::vector<std::string> delivered;
  ALLOW_CALL(fixture.wfm, post_status(_, _, _))
      .LR_SIDE_EFFECT(delivered.push_back(state_in(_2)))
      .LR_SIDE_EFFECT(fixture.answer(_3, Status()));
  fixture.reporter->kick();
  AgentState next = fixture.state->get();
  DeploymentRecord record;
  record.id = "d-1";
  for (const auto state : {DeploymentState::installing, DeploymentState::installed}) {
    record.state = state;
    queue_status_report(next, record);
  }
  REQUIRE(fixture.state->commit(next).ok());
  fixture.reporter->kick();
  fixture.executor.run_until_idle();
  CHECK(delivered == std::vector<std::string>{"pending", "installing", "installed"});
}

TEST_CASE("a signature rejection (401) is retried, not dropped: the reports must not be lost") {
  Fixture fixture({"d-1"});
  trompeloeil::sequence order;
  REQUIRE_CALL(fixture.wfm, post_status("d-1", _, _))
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(
          fixture.answer(_3, Error{"wfm.http_401", "bad sig", ErrorClass::security, 401, std::nullopt}));
  REQUIRE_CALL(fixture.wfm, post_status("d-1", _, _))
      .IN_SEQUENCE(order)
      .LR_SIDE_EFFECT(fixture.answer(_3, Status()));
  fixture.reporter->kick();
  fixture.executor.run_until_idle();
  CHECK(fixture.reporter->counters().refused == 0);
  CHECK(fixture.state->get().outbox.empty());
}

TEST_CASE("once stopped, a late answer changes nothing and nothing more is sent") {
  Fixture fixture({"d-1", "d-2"});
  Callback<void> pending;
  REQUIRE_CALL(fixture.wfm, post_status("d-1", _, _)).LR_SIDE_EFFECT(pending = _3);
  FORBID_CALL(fixture.wfm, post_status("d-2", _, _));
  fixture.reporter->kick();
  fixture.executor.run_until_idle();
  fixture.reporter->stop();
  pending(Status());
  fixture.executor.run_until_idle();
  CHECK(fixture.state->get().outbox.size() == 2);
  CHECK(fixture.reporter->idle());
}
