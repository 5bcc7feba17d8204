#pragma once
// The device's workload runtimes, built from the config's `runtimes` list: compose (docker / podman
// engine, driven by the compose CLI) and helm (the helm CLI against a cluster). Child processes get a
// worker pool of their own, so a helm install that waits for minutes never holds up polling.

#include <memory>
#include <vector>

#include "agent/adapters/event_loop.hpp"
#include "agent/adapters/http/https_client.hpp"
#include "agent/adapters/spawn_process_runner.hpp"
#include "agent/adapters/worker_pool.hpp"
#include "agent/app/config/agent_config.hpp"
#include "agent/core/logger.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/workload_runtime.hpp"

namespace margo {

class WorkloadRuntimes {
 public:
  // Errors: http.ca_load_failed when the download client cannot be made.
  static Result<std::unique_ptr<WorkloadRuntimes>> create(const AgentConfig& config, EventLoop& loop,
                                                          FileSystem& fs, const Logger& logger);
  ~WorkloadRuntimes();
  WorkloadRuntimes(const WorkloadRuntimes&) = delete;
  WorkloadRuntimes& operator=(const WorkloadRuntimes&) = delete;

  std::vector<WorkloadRuntime*> all() const;
  // Drops every completion still to come and lets the worker threads end.
  void shutdown();

 private:
  WorkloadRuntimes() = default;

  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<SpawnProcessRunner> processes_;
  std::unique_ptr<HttpsClient> downloads_;
  std::vector<std::unique_ptr<WorkloadRuntime>> runtimes_;
};

}  // namespace margo
