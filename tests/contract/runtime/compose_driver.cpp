#include "tests/contract/runtime/compose_driver.hpp"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

#include "agent/adapters/http/https_client.hpp"
#include "agent/adapters/posix_filesystem.hpp"
#include "agent/adapters/spawn_process_runner.hpp"
#include "agent/adapters/stderr_log_sink.hpp"
#include "agent/runtime/compose/compose_runtime.hpp"
#include "tests/contract/http/loop_thread.hpp"
#include "tests/contract/runtime/docker_shell.hpp"

namespace margo::contract {
namespace {

using test::label_filter;
using test::shell;

// The parameter reaches the container's environment; the container writes it where a test can read it.
constexpr const char* kInstallableCompose = R"(services:
  app:
    image: margo-test/busybox:1
    network_mode: none
    command: ["sh", "-c", "trap 'exit 0' TERM; echo \"$$MARGO_PARAMETER\" > /tmp/parameter; sleep 1000000 & wait"]
    environment:
      MARGO_PARAMETER: ${MARGO_PARAMETER:-}
)";
// An image from a registry on a closed loopback port: the pull fails at once, and no traffic leaves the
// machine (an image name without a registry would make the engine ask Docker Hub).
constexpr const char* kUninstallableCompose = R"(services:
  app:
    image: 127.0.0.1:1/margo-test/absent:1
    network_mode: none
)";

std::string unique_salt() {
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
         std::to_string(random() % 1000000);
}

}  // namespace

// Posts every call onto the loop thread; completions run under the driver's lock.
class LoopRuntimeProxy final : public WorkloadRuntime {
 public:
  LoopRuntimeProxy(testing::LoopThread& loop, std::mutex& mutex, std::uint64_t& epoch)
      : loop_(loop), mutex_(mutex), epoch_(epoch) {}
  void attach(WorkloadRuntime* runtime) { runtime_ = runtime; }

  std::string profile_type() const override { return runtime_->profile_type(); }
  std::string runtime_name(const std::string& deployment_id, const std::string& deployment_name,
                           const std::string& component_name) const override {
    return runtime_->runtime_name(deployment_id, deployment_name, component_name);
  }
  void apply(const ComponentSpec& spec, Callback<void> done) override {
    loop_.loop().post([this, spec, done = deliver(done)] {
      if (runtime_) runtime_->apply(spec, done);
    });
  }
  void remove(const ComponentRef& ref, Callback<void> done) override {
    loop_.loop().post([this, ref, done = deliver(done)] {
      if (runtime_) runtime_->remove(ref, done);
    });
  }
  void inspect(const ComponentRef& ref, Callback<ComponentObservation> done) override {
    loop_.loop().post([this, ref, done = deliver(done)] {
      if (runtime_) runtime_->inspect(ref, done);
    });
  }

 private:
  template <typename T>
  Callback<T> deliver(Callback<T> done) {
    std::lock_guard lock(mutex_);
    return [this, done = std::move(done), issued = epoch_](Result<T> result) {
      std::lock_guard inner(mutex_);
      if (issued == epoch_) done(std::move(result));
    };
  }

  testing::LoopThread& loop_;
  std::mutex& mutex_;
  std::uint64_t& epoch_;
  WorkloadRuntime* runtime_ = nullptr;
};

struct ComposeDriver::Rig {
  // Declared first, destroyed last: removes what the tests made even when they failed.
  struct Janitor {
    std::filesystem::path temp;
    std::set<std::string> projects;
    ~Janitor() {
      for (const std::string& project : projects) test::remove_project_leftovers(project);
      std::error_code ignored;
      if (!temp.empty()) std::filesystem::remove_all(temp, ignored);
    }
  } janitor;

  std::string salt = unique_salt();
  // Pointers: the destructor takes them down in a set order (see ~Rig).
  std::unique_ptr<testing::LoopThread> loop_thread = std::make_unique<testing::LoopThread>();
  testing::LoopThread& loop = *loop_thread;
  std::unique_ptr<WorkerPool> workers = std::make_unique<WorkerPool>(2);
  std::unique_ptr<SpawnProcessRunner> processes = std::make_unique<SpawnProcessRunner>(loop.loop(), *workers);
  PosixFileSystem fs;
  StderrLogSink sink{LogFormat::logfmt};
  std::unique_ptr<HttpsClient> http;
  std::mutex mutex;
  std::uint64_t epoch = 0;
  LoopRuntimeProxy proxy{loop, mutex, epoch};
  std::unique_ptr<ComposeRuntime> runtime;
  unsigned packages = 0;

  Rig() {
    char pattern[] = "/tmp/margo-compose-contract-XXXXXX";
    if (::mkdtemp(pattern) == nullptr)
      throw std::runtime_error("ComposeDriver: cannot make a temporary folder");
    janitor.temp = pattern;
    HttpsClientOptions options;
    options.allow_plain_http = true;  // the runtime accepts http:// only with a digest
    auto client = HttpsClient::create(loop.loop(), *workers, options);
    if (!client) throw std::runtime_error("ComposeDriver: " + client.error().message);
    http = std::move(client).value();
    ComposeSettings settings;
    if (const char* host = std::getenv("DOCKER_HOST"); host != nullptr && *host != '\0')
      settings.docker_host = host;
    settings.work_directory = (janitor.temp / "work").string();
    runtime = std::make_unique<ComposeRuntime>(loop.loop(), *processes, *http, fs, settings,
                                               Logger(sink, loop.loop(), LogLevel::warn, "compose"));
    proxy.attach(runtime.get());
  }

  ~Rig() {
    // The runtime belongs to the loop thread: destroy it there (calls still queued behind it find no
    // runtime and are dropped). Then stop what could still post to the loop, then the loop itself, so
    // no task or timer runs while the members it uses are being destroyed.
    loop.call<bool>([this](Callback<bool> done) {
      runtime.reset();
      proxy.attach(nullptr);
      http->shutdown();
      done(true);
    });
    http.reset();
    processes.reset();
    workers->shutdown();
    loop_thread.reset();
  }

  std::string write_package(const std::string& text) {
    const auto directory = janitor.temp / "packages" / std::to_string(packages++);
    std::filesystem::create_directories(directory);
    std::ofstream(directory / "compose.yaml") << text;
    return (directory / "compose.yaml").string();
  }

  ComponentSpec component(const std::string& deployment_id, const std::string& component_name,
                          const std::string& compose_text, std::vector<ParameterValue> parameters) {
    ComponentSpec spec;
    spec.ref.deployment_id = deployment_id;
    spec.ref.component_name = component_name;
    spec.ref.runtime_name = runtime->runtime_name(deployment_id + "@" + salt, "contract", component_name);
    spec.properties = {{"packageLocation", write_package(compose_text)}, {"wait", true}, {"timeout", "60s"}};
    spec.parameters = std::move(parameters);
    std::lock_guard lock(mutex);
    janitor.projects.insert(spec.ref.runtime_name);
    return spec;
  }
};

ComposeDriver::ComposeDriver() : rig_(std::make_unique<Rig>()) {}
ComposeDriver::~ComposeDriver() = default;

WorkloadRuntime& ComposeDriver::runtime() {
  return rig_->proxy;
}

bool ComposeDriver::run_until(const std::function<bool()>& done, Duration limit) {
  struct Check {
    std::function<bool()> done;
    bool satisfied = false;
    bool abandoned = false;
  };
  auto check = std::make_shared<Check>(Check{done});
  std::condition_variable changed;
  Rig& rig = *rig_;
  // Evaluated on the loop thread, under the lock completions run under, every 10 ms.
  auto poll = std::make_shared<std::function<void()>>();
  *poll = [&rig, &changed, check, weak_poll = std::weak_ptr<std::function<void()>>(poll)] {
    std::lock_guard lock(rig.mutex);
    if (check->abandoned) return;
    if (check->done()) {
      check->satisfied = true;
      changed.notify_all();
      return;
    }
    if (auto again = weak_poll.lock())
      rig.loop.loop().schedule_after(std::chrono::milliseconds(10), [again] { (*again)(); });
  };
  rig.loop.loop().post([poll] { (*poll)(); });
  std::unique_lock lock(rig.mutex);
  changed.wait_for(lock, limit, [&] { return check->satisfied; });
  if (!check->satisfied) {
    check->abandoned = true;
    ++rig.epoch;  // completions of earlier calls are dropped from now on
  }
  return check->satisfied;
}

ComponentSpec ComposeDriver::installable(const std::string& deployment_id, const std::string& component_name,
                                         std::vector<ParameterValue> parameters) {
  return rig_->component(deployment_id, component_name, kInstallableCompose, std::move(parameters));
}

ComponentSpec ComposeDriver::uninstallable(const std::string& deployment_id,
                                           const std::string& component_name) {
  return rig_->component(deployment_id, component_name, kUninstallableCompose, {});
}

std::optional<std::string> ComposeDriver::parameter_seen(const ComponentRef& ref) {
  const auto [listed, ids] = shell("docker ps -q " + label_filter(ref.runtime_name));
  const std::string id = ids.substr(0, ids.find('\n'));
  if (!listed || id.empty()) return std::nullopt;
  auto [read, value] = shell("docker exec " + id + " cat /tmp/parameter");
  if (!read) return std::nullopt;
  if (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

void ComposeDriver::break_workload(const ComponentRef& ref) {
  shell("ids=$(docker ps -q " + label_filter(ref.runtime_name) + "); [ -z \"$ids\" ] || docker kill $ids");
}

void ComposeDriver::delete_workload(const ComponentRef& ref) {
  shell("ids=$(docker ps -aq " + label_filter(ref.runtime_name) + "); [ -z \"$ids\" ] || docker rm -f $ids");
}

}  // namespace margo::contract
