#include "tests/integration/compose_docker/docker_rig.hpp"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>

namespace margo::test {
namespace {

constexpr auto kOperationLimit = std::chrono::minutes(3);

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);)
    if (!trim(line).empty()) out.push_back(trim(line));
  return out;
}

}  // namespace

int unused_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool docker_tests_skipped() {
  const char* skip = std::getenv("MARGO_SKIP_DOCKER");
  return skip != nullptr && std::string(skip) == "1";
}

void require_docker() {
  if (!shell("docker version --format '{{.Server.Version}}'").first)
    FAIL(
        "no Docker engine answers `docker version`: run ci/docker.sh first (it starts dockerd), or set "
        "MARGO_SKIP_DOCKER=1 to skip the Docker integration tests on purpose");
  if (!shell(std::string("docker image inspect ") + kTestImage).first)
    FAIL("the test image " << kTestImage
                           << " is missing: run ci/docker.sh (it builds it from busybox-static)");
}

DockerRig::Janitor::~Janitor() {
  for (const std::string& project : projects) remove_project_leftovers(project);
  std::error_code ignored;
  if (!temp.empty()) std::filesystem::remove_all(temp, ignored);
}

DockerRig::DockerRig(const std::function<void(ComposeSettings&)>& adjust)
    : loop_(std::make_unique<testing::LoopThread>()),
      workers_(std::make_unique<WorkerPool>(2)),
      processes_(std::make_unique<SpawnProcessRunner>(loop_->loop(), *workers_)) {
  char pattern[] = "/tmp/margo-compose-it-XXXXXX";
  REQUIRE(::mkdtemp(pattern) != nullptr);
  janitor_.temp = pattern;
  static std::atomic<int> rigs{0};
  std::random_device random;
  deployment_prefix_ = "it-" + std::to_string(::getpid()) + "-" + std::to_string(rigs++) + "-" +
                       std::to_string(random() % 1000000);

  HttpsClientOptions options;
  options.allow_plain_http = true;  // the runtime itself allows http:// only with a digest
  auto client = HttpsClient::create(loop_->loop(), *workers_, options);
  REQUIRE(client.ok());
  http_ = std::move(client).value();

  if (const char* host = std::getenv("DOCKER_HOST"); host != nullptr && *host != '\0')
    settings_.docker_host = host;
  settings_.work_directory = (janitor_.temp / "work").string();
  if (adjust) adjust(settings_);
  runtime_ = std::make_unique<ComposeRuntime>(loop_->loop(), *processes_, *http_, fs_, settings_,
                                              Logger(sink_, loop_->loop(), LogLevel::warn, "compose"));
}

DockerRig::~DockerRig() {
  // The runtime lives on the loop thread; then everything that could post to the loop stops before it.
  loop_->call<bool>([this](Callback<bool> done) {
    runtime_.reset();
    http_->shutdown();
    done(true);
  });
  http_.reset();
  processes_.reset();
  workers_->shutdown();
  loop_.reset();
}

template <typename T>
Result<T> DockerRig::call(const std::function<void(Callback<T>)>& start) {
  auto outcome = loop_->call<T>(start, kOperationLimit);
  REQUIRE(outcome.result.has_value());
  CHECK_FALSE(outcome.completed_inline);
  CHECK(outcome.completions == 1);
  return std::move(*outcome.result);
}

Status DockerRig::apply(const ComponentSpec& spec) {
  return call<void>([&](Callback<void> done) { runtime_->apply(spec, done); });
}

Status DockerRig::remove(const ComponentRef& ref) {
  return call<void>([&](Callback<void> done) { runtime_->remove(ref, done); });
}

Result<ComponentObservation> DockerRig::inspect(const ComponentRef& ref) {
  return call<ComponentObservation>(
      [&](Callback<ComponentObservation> done) { runtime_->inspect(ref, done); });
}

std::string DockerRig::write_file(const std::string& relative_path, const std::string& content) {
  const auto path = janitor_.temp / relative_path;
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

ComponentSpec DockerRig::component_at(const std::string& component_name, const nlohmann::json& properties,
                                      std::vector<ParameterValue> parameters) {
  ComponentSpec spec;
  spec.ref.deployment_id = deployment_prefix_ + "-" + component_name;
  spec.ref.component_name = component_name;
  spec.ref.runtime_name = runtime_->runtime_name(spec.ref.deployment_id, "it", component_name);
  spec.properties = properties;
  spec.parameters = std::move(parameters);
  janitor_.projects.insert(spec.ref.runtime_name);
  return spec;
}

ComponentSpec DockerRig::component(const std::string& component_name, const std::string& compose_yaml,
                                   std::vector<ParameterValue> parameters, nlohmann::json properties) {
  if (!properties.is_object()) properties = nlohmann::json::object();
  properties["packageLocation"] = write_file(
      "packages/" + component_name + "-" + std::to_string(components_++) + "/compose.yaml", compose_yaml);
  return component_at(component_name, properties, std::move(parameters));
}

std::string DockerRig::project_dir(const ComponentRef& ref) const {
  return settings_.work_directory + "/" + ref.runtime_name;
}

std::vector<std::string> DockerRig::containers(const ComponentRef& ref, bool include_stopped) const {
  return lines(
      shell(std::string("docker ps -q") + (include_stopped ? " -a " : " ") + label_filter(ref.runtime_name))
          .second);
}

std::vector<std::string> DockerRig::volumes(const ComponentRef& ref) const {
  return lines(shell("docker volume ls -q " + label_filter(ref.runtime_name)).second);
}

}  // namespace margo::test
