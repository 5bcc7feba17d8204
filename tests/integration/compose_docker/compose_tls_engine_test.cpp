// The compose runtime reaching an engine over TCP with mutual TLS, through the real docker and
// docker-compose CLIs: a second dockerd on 127.0.0.1 with --tlsverify, certificates made by openssl.

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <thread>

#include "agent/runtime/compose/engine_connection.hpp"
#include "tests/integration/compose_docker/docker_rig.hpp"

using namespace margo;
using namespace margo::test;

namespace {

// ca.pem with server.pem (127.0.0.1) and client.pem signed by it; other-ca.pem signed neither.
void make_certificates(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  REQUIRE(shell("bash " MARGO_SOURCE_ROOT "/tests/integration/compose_docker/make-tls-certificates.sh " +
                dir.string())
              .first);
}

// A dockerd of its own (data, exec root and containerd apart from the main engine), TLS only.
class TlsEngine {
 public:
  explicit TlsEngine(const std::filesystem::path& dir) : dir_(dir), port_(unused_loopback_port()) {
    make_certificates(dir_);
    const std::string d = dir_.string();
    shell("mkdir -p " + d + "/root " + d + "/exec; nohup dockerd --data-root " + d + "/root --exec-root " +
          d + "/exec --pidfile " + d + "/dockerd.pid -H " + host() + " --tlsverify --tlscacert " + d +
          "/ca.pem --tlscert " + d + "/server.pem --tlskey " + d +
          "/server.key --bridge=none --iptables=false > " + d + "/dockerd.log 2>&1 &");
    for (int i = 0; i < 120 && !answers(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    // The engine has its own image store: no registry is reachable, so the test image is copied in.
    shell(std::string("docker save ") + kTestImage + " > " + d + "/image.tar");
    docker("load -i " + d + "/image.tar");
  }
  ~TlsEngine() {
    const std::string d = dir_.string();
    shell("kill $(cat " + d + "/dockerd.pid); for i in $(seq 100); do [ -e " + d +
          "/dockerd.pid ] || break; sleep 0.1; done; rm -rf " + d + "/root " + d + "/exec");
  }
  TlsEngine(const TlsEngine&) = delete;
  TlsEngine& operator=(const TlsEngine&) = delete;

  // Runs a docker command against this engine; whether it exited 0, and its stdout.
  std::pair<bool, std::string> docker(const std::string& arguments) const {
    return shell("docker -H " + host() + " --tlsverify --tlscacert " + file("ca.pem") + " --tlscert " +
                 file("client.pem") + " --tlskey " + file("client.key") + " " + arguments);
  }
  std::string host() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  bool answers() const { return docker("version").first; }

 private:
  std::filesystem::path dir_;
  int port_;
};

const std::string kSleeper = R"(services:
  app:
    image: margo-test/busybox:1
    network_mode: none
    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 1000000 & wait"]
)";

}  // namespace

TEST_CASE("an engine behind mutual TLS is reached with the configured CA and client certificate",
          "[compose][docker][tls]") {
  MARGO_REQUIRE_DOCKER_OR_SKIP();
  DockerRig main_engine;
  TlsEngine engine(main_engine.temp() / "tls-engine");
  REQUIRE(engine.answers());

  SECTION("with the right CA and client certificate, a project is installed and removed there") {
    DockerRig rig([&](ComposeSettings& settings) {
      const EngineConnection connection = engine_connection(
          engine.host(), false, engine.file("ca.pem"), engine.file("client.pem"), engine.file("client.key"));
      settings.docker_host = connection.docker_host;
      settings.tls = connection.tls;
    });
    const ComponentSpec spec = rig.component("tls", kSleeper);
    const Status applied = rig.apply(spec);
    INFO((applied.ok() ? std::string() : applied.error().message));
    REQUIRE(applied.ok());
    const std::string filter = label_filter(spec.ref.runtime_name);
    CHECK_FALSE(trim(engine.docker("ps -q " + filter).second).empty());
    CHECK(rig.containers(spec.ref).empty());  // not on the main engine
    const auto observed = rig.inspect(spec.ref);
    REQUIRE(observed.ok());
    CHECK(rig.remove(spec.ref).ok());
    CHECK(trim(engine.docker("ps -aq " + filter).second).empty());
  }
  SECTION("with a CA that did not sign the engine's certificate, nothing is done") {
    DockerRig rig([&](ComposeSettings& settings) {
      const EngineConnection connection =
          engine_connection(engine.host(), false, engine.file("other-ca.pem"), engine.file("client.pem"),
                            engine.file("client.key"));
      settings.docker_host = connection.docker_host;
      settings.tls = connection.tls;
    });
    const Status removed = rig.remove(rig.component("tls", kSleeper).ref);
    REQUIRE_FALSE(removed.ok());
    CHECK(removed.error().code == "runtime.unavailable");
    CHECK_THAT(removed.error().message, Catch::Contains("certificate"));
  }
}
