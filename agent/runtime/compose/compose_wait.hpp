#pragma once
// `wait: true` for docker-compose v1, which has no `up --wait`: observe the project every interval on
// the executor's timers (never sleeping, never reading a clock of its own) until every service runs
// (healthy, when it has a health check), a container fails, or the deadline passes.

#include <functional>

#include "agent/ports/executor.hpp"
#include "agent/ports/result.hpp"
#include "agent/ports/workload_runtime.hpp"

namespace margo {

using ObserveProject = std::function<void(Callback<ComponentObservation>)>;

struct WaitPlan {
  MonoTime deadline{};
  Duration interval = std::chrono::seconds(1);
  std::string project;  // for messages
};

// Completes with success once an observation says running. Errors: compose.up_failed (retryable) as
// soon as an observation says failed (a container exited or is unhealthy: waiting longer would not
// help, and compose v2's --wait gives up there too), compose.timeout (retryable) with the last
// observation's detail when the deadline passes, or the observation's own error (runtime.unavailable).
// Completes through the executor; `observe` must too.
void wait_until_running(Executor& executor, ObserveProject observe, WaitPlan plan, Callback<void> done);

}  // namespace margo
