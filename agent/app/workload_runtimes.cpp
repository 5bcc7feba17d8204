#include "agent/app/workload_runtimes.hpp"

#include "agent/core/paths.hpp"
#include "agent/runtime/compose/compose_runtime.hpp"
#include "agent/runtime/compose/engine_connection.hpp"
#include "agent/runtime/helm/helm_runtime.hpp"

namespace margo {
namespace {

// Child processes at once: a few helm or compose commands side by side, each mostly waiting.
constexpr std::size_t kProcessThreads = 4;

}  // namespace

Result<std::unique_ptr<WorkloadRuntimes>> WorkloadRuntimes::create(const AgentConfig& config, EventLoop& loop,
                                                                   FileSystem& fs, const Logger& logger) {
  std::unique_ptr<WorkloadRuntimes> made(new WorkloadRuntimes());
  made->workers_ = std::make_unique<WorkerPool>(kProcessThreads);
  made->processes_ = std::make_unique<SpawnProcessRunner>(loop, *made->workers_);
  // Packages come from wherever the deployments say, verified by the system trust store. Plain
  // http:// is let through here because the compose runtime itself allows it only with a digest.
  HttpsClientOptions download_options;
  download_options.allow_plain_http = true;
  download_options.user_agent = "margo-agent/" MARGO_VERSION;
  auto downloads = HttpsClient::create(loop, *made->workers_, download_options);
  if (!downloads) return downloads.error().with_context("package downloads");
  made->downloads_ = std::move(downloads).value();

  for (const RuntimeConfig& runtime : config.runtimes) {
    if (runtime.type == RuntimeType::docker) {
      ComposeSettings settings;
      const EngineConnection engine = engine_connection(
          runtime.docker.url, runtime.docker.tls_skip_verification, runtime.docker.tls.ca_cert_path,
          runtime.docker.tls.cert_path, runtime.docker.tls.key_path);
      settings.docker_host = engine.docker_host;
      settings.tls = engine.tls;
      settings.work_directory = join_path(config.data_dir, "runtimes/compose");
      settings.remove_volumes = runtime.docker.remove_volumes;
      made->runtimes_.push_back(std::make_unique<ComposeRuntime>(loop, *made->processes_, *made->downloads_,
                                                                 fs, settings, logger.named("compose")));
    } else {
      HelmSettings settings;
      settings.helm_path = runtime.kubernetes.helm_path;
      settings.kubeconfig_path = runtime.kubernetes.kubeconfig_path;
      settings.work_directory = join_path(config.data_dir, "runtimes/helm");
      made->runtimes_.push_back(
          std::make_unique<HelmRuntime>(loop, *made->processes_, fs, settings, logger.named("helm")));
    }
  }
  return made;
}

WorkloadRuntimes::~WorkloadRuntimes() {
  shutdown();
}

std::vector<WorkloadRuntime*> WorkloadRuntimes::all() const {
  std::vector<WorkloadRuntime*> pointers;
  for (const auto& runtime : runtimes_) pointers.push_back(runtime.get());
  return pointers;
}

void WorkloadRuntimes::shutdown() {
  if (processes_) processes_->terminate_all();
  if (downloads_) downloads_->shutdown();
  if (workers_) workers_->shutdown();
}

}  // namespace margo
