#pragma once
// The production ProcessRunner: posix_spawn with separate stdin/stdout/stderr pipes, an exact
// environment, a timeout (SIGTERM, then SIGKILL after a grace period) and a cap on kept output.
// Each child runs on the worker pool; its completion is posted back to the event loop.

#include <memory>

#include "agent/adapters/worker_pool.hpp"
#include "agent/ports/process_runner.hpp"

namespace margo {

class SpawnProcessRunner final : public ProcessRunner {
 public:
  // Between SIGTERM at the timeout and SIGKILL.
  static constexpr Duration kKillGrace = std::chrono::seconds(2);

  SpawnProcessRunner(Executor& loop, WorkerPool& workers);
  // Completions of children still running are dropped (the children still end at their timeout).
  ~SpawnProcessRunner() override;
  SpawnProcessRunner(const SpawnProcessRunner&) = delete;
  SpawnProcessRunner& operator=(const SpawnProcessRunner&) = delete;

  void run(ProcessSpec spec, Callback<ProcessResult> done) override;
  // Shutting down: every child running or still to start gets SIGTERM (SIGKILL after the grace
  // period), so the agent's exit never waits for a long helm or compose command.
  void terminate_all();

 private:
  struct Delivery;  // posts completions while the runner lives

  WorkerPool& workers_;
  std::shared_ptr<Delivery> delivery_;
};

}  // namespace margo
