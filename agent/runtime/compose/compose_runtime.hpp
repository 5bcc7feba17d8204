#pragma once
// The Docker Compose workload runtime: one component of a `compose` deployment profile is one compose
// project, deployed with the `docker compose` v2 plugin or the standalone `docker-compose` v1, whichever
// the device has (detected at first use). It reaches the world only through ports: the ProcessRunner
// for the CLIs, the HttpClient for package downloads, the FileSystem for the stored packages, and the
// Executor for completions and the v1 wait loop's timers.
//
//   apply:   fetch the package, check its digest and signature, store it (package_store.hpp), validate
//            it with `config -q`, then `up -d --remove-orphans` (never `down`: an update keeps named
//            volumes); `wait` waits until every service runs (v2 --wait, v1 polling).
//   remove:  `down --remove-orphans` (+ --volumes when remove_volumes) with the stored file, or by
//            label when the file is gone; then delete the project's folder.
//   inspect: the project's containers by label, and the services of the stored compose file.
//
// Error codes: runtime.unavailable (retryable: no engine or no compose CLI), component.invalid_property,
// compose.invalid_parameter, compose.insecure_location, compose.invalid_project_name (permanent),
// compose.package_fetch_failed (by cause), compose.package_too_large, compose.invalid_package,
// compose.digest_mismatch, compose.signature_invalid (security), compose.invalid_file (permanent),
// compose.up_failed, compose.timeout, compose.remove_failed, compose.inspect_failed (retryable), fs.*.

#include <cstddef>
#include <functional>
#include <string>

#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/http_client.hpp"
#include "agent/ports/process_runner.hpp"
#include "agent/ports/workload_runtime.hpp"
#include "agent/runtime/compose/compose_engine.hpp"
#include "agent/runtime/compose/package_store.hpp"

namespace margo {

struct ComposeSettings {
  std::string docker_host = "unix:///var/run/docker.sock";  // DOCKER_HOST: see engine_connection()
  EngineTls tls;                                            // for a tcp:// engine
  std::string work_directory;   // under the agent data dir: one folder per project, 0700
  bool remove_volumes = false;  // on removal also delete the project's named volumes
  std::size_t max_package_bytes = 64 * 1024 * 1024;
  std::string docker_path = "docker", docker_compose_path = "docker-compose";
  // How often docker-compose v1 is polled for `wait: true`.
  Duration wait_poll_interval = std::chrono::seconds(1);
};

class ComposeRuntime final : public WorkloadRuntime {
 public:
  // The HttpClient should allow plain http:// URLs: this runtime itself accepts them only for packages
  // with a digest. Every reference must outlive the runtime.
  ComposeRuntime(Executor& executor, ProcessRunner& processes, HttpClient& downloads, FileSystem& fs,
                 ComposeSettings settings, Logger logger);
  ~ComposeRuntime() override;
  ComposeRuntime(const ComposeRuntime&) = delete;
  ComposeRuntime& operator=(const ComposeRuntime&) = delete;

  std::string profile_type() const override { return "compose"; }
  std::string runtime_name(const std::string& deployment_id, const std::string& deployment_name,
                           const std::string& component_name) const override;
  void apply(const ComponentSpec& spec, Callback<void> done) override;
  void remove(const ComponentRef& ref, Callback<void> done) override;
  void inspect(const ComponentRef& ref, Callback<ComponentObservation> done) override;

 private:
  // What an operation calls with an error found before it started: `done` runs through the executor,
  // never inline.
  template <typename T>
  std::function<void(Error)> failing_later(Callback<T> done) {
    return [this, done = std::move(done)](Error error) {
      executor_.post(lifetime_.guard([done, error] { done(error); }));
    };
  }
  struct ApplyJob;

  Status check_usable(const std::string& project);
  void fetch(std::shared_ptr<ApplyJob> job);
  void validate(std::shared_ptr<ApplyJob> job);
  void bring_up(std::shared_ptr<ApplyJob> job);
  void finish_apply(std::shared_ptr<ApplyJob> job, Status outcome);
  void take_down(const std::string& project, const ComposeCli& cli, Callback<void> done);
  void remove_leftovers(const std::string& project, Callback<void> done);
  void observe(const std::string& project, Callback<ComponentObservation> done);

  Executor& executor_;
  HttpClient& downloads_;
  FileSystem& fs_;
  ComposeSettings settings_;
  Logger logger_;
  ProjectStore store_;
  ComposeEngine engine_;
  bool home_ready_ = false;
  Lifetime lifetime_;  // last: callbacks handed out stop working first
};

}  // namespace margo
