#include <catch2/catch.hpp>

#include "agent/core/logger.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/virtual_executor.hpp"

namespace margo {
namespace {

using namespace std::chrono_literals;

TEST_CASE("RecordingLogSink keeps every record in order until cleared", "[recording_log_sink]") {
  VirtualExecutor executor;
  RecordingLogSink sink;
  const Logger logger(sink, executor, LogLevel::debug, "poller");

  logger.info("manifest unchanged", {{"etag", "\"abc\""}});
  executor.run_for(250ms);
  logger.named("onboarding").warn("retrying");

  REQUIRE(sink.records().size() == 2);
  const LogRecord& first = sink.records()[0];
  CHECK(first.level == LogLevel::info);
  CHECK(first.component == "poller");
  CHECK(first.message == "manifest unchanged");
  REQUIRE(first.fields.size() == 1);
  CHECK(first.fields[0].key == "etag");
  CHECK(first.fields[0].value == "\"abc\"");
  const LogRecord& second = sink.records()[1];
  CHECK(second.component == "onboarding");
  CHECK(second.mono_time == 250ms);
  CHECK(second.wall_time == VirtualExecutor::default_wall_start() + 250ms);

  sink.clear();
  CHECK(sink.records().empty());
  logger.error("after clear");
  CHECK(sink.records().size() == 1);
}

}  // namespace
}  // namespace margo
