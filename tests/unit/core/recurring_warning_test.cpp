// The plain-HTTP warning: at once, then every period, and never after its owner is gone.

#include <catch2/catch.hpp>

#include <memory>

#include "agent/core/recurring_warning.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/virtual_executor.hpp"

using namespace margo;
using namespace std::chrono_literals;

TEST_CASE("a recurring warning is logged at once and then every period until it is dropped") {
  VirtualExecutor executor;
  RecordingLogSink sink;
  const Logger log(sink, executor, LogLevel::info, "main");
  auto warning = std::make_unique<RecurringWarning>(executor, log, 1h, "traffic to the WFM is unencrypted",
                                                    std::vector<LogField>{{"sbiUrl", "http://wfm:8080"}});
  REQUIRE(sink.records().size() == 1);
  CHECK(sink.records()[0].level == LogLevel::warn);
  CHECK(sink.records()[0].message == "traffic to the WFM is unencrypted");
  CHECK(sink.records()[0].fields.at(0).value == "http://wfm:8080");

  executor.run_for(59min);
  CHECK(sink.records().size() == 1);
  executor.run_for(1min);
  CHECK(sink.records().size() == 2);
  executor.run_for(3h);
  CHECK(sink.records().size() == 5);

  warning.reset();
  executor.run_for(5h);
  CHECK(sink.records().size() == 5);
  CHECK(executor.pending() == 0);
}
