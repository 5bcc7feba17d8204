#include "agent/runtime/compose/compose_wait.hpp"

#include <memory>

namespace margo {
namespace {

struct Waiter : std::enable_shared_from_this<Waiter> {
  Waiter(Executor& executor_in, ObserveProject observe_in, WaitPlan plan_in, Callback<void> done_in)
      : executor(executor_in),
        observe(std::move(observe_in)),
        plan(std::move(plan_in)),
        done(std::move(done_in)) {}

  void look() {
    observe(
        [self = shared_from_this()](Result<ComponentObservation> observation) { self->seen(observation); });
  }

  void seen(const Result<ComponentObservation>& observation) {
    if (!observation) return done(observation.error());
    switch (observation->health) {
      case ComponentHealth::running:
        return done(Status());
      case ComponentHealth::failed:
        return done(retryable_error(
            "compose.up_failed",
            "project " + plan.project + " failed while waiting for it to run: " + observation->detail));
      case ComponentHealth::progressing:
      case ComponentHealth::missing:
        break;
    }
    const MonoTime now = executor.now();
    if (now >= plan.deadline) {
      return done(retryable_error(
          "compose.timeout", "project " + plan.project + " not running in time: " + observation->detail));
    }
    const Duration delay = std::min(plan.interval, plan.deadline - now);
    executor.schedule_after(delay, [self = shared_from_this()] { self->look(); });
  }

  Executor& executor;
  ObserveProject observe;
  WaitPlan plan;
  Callback<void> done;
};

}  // namespace

void wait_until_running(Executor& executor, ObserveProject observe, WaitPlan plan, Callback<void> done) {
  std::make_shared<Waiter>(executor, std::move(observe), std::move(plan), std::move(done))->look();
}

}  // namespace margo
