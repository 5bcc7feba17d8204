// ComposeRuntime::apply against scripted CLIs: what runs, with which environment, and what errors say.

#include <catch2/catch.hpp>

#include "agent/core/encoding.hpp"
#include "fakes/archive/tar_writer.hpp"
#include "runtime_rig.hpp"

using namespace margo;
using namespace margo::fake;
using namespace margo::test;

namespace {

using Argv = std::vector<std::string>;

std::string package_dir(const std::string& bytes) {
  return kWork + "/shop-stack-0123456789/pkg-" + sha256_hex(bytes).substr(0, 16);
}

}  // namespace

TEST_CASE("apply on docker-compose v1: detect once, validate, then up, with the exact environment",
          "[compose][apply]") {
  RuntimeRig rig;
  rig.script_v1();
  REQUIRE(rig.apply(rig.spec({{"packageLocation", kPackageUrl}, {"timeout", "90s"}})).ok());
  CHECK(rig.processes.unexpected.empty());
  const std::string file = package_dir(kComposeYaml) + "/compose.yaml";
  REQUIRE(rig.processes.runs.size() == 5);
  CHECK(rig.processes.runs[0].argv == Argv{"docker", "version", "--format", "{{.Server.Version}}"});
  CHECK(rig.processes.runs[1].argv == Argv{"docker", "compose", "version", "--short"});
  CHECK(rig.processes.runs[2].argv == Argv{"docker-compose", "version", "--short"});
  CHECK(rig.processes.runs[3].argv == Argv{"docker-compose", "-p", rig.project, "-f", file, "config", "-q"});
  const ProcessSpec& up = rig.processes.runs[4];
  CHECK(up.argv == Argv{"docker-compose", "-p", rig.project, "-f", file, "up", "-d", "--remove-orphans"});
  CHECK(up.working_directory == package_dir(kComposeYaml));
  CHECK(up.timeout == std::chrono::seconds(90));
  const std::map<std::string, std::string> environment = {
      {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
      {"HOME", kWork + "/.home"},
      {"DOCKER_CONFIG", kWork + "/.home/.docker"},
      {"DOCKER_HOST", kDockerHost},
      {"SITE", "Plant-7"},
  };
  CHECK(up.environment == environment);
  CHECK(rig.processes.runs[3].environment == environment);
  CHECK(rig.processes.runs[0].environment.count("SITE") == 0);  // parameters only for the project's commands

  auto stored = rig.fs.read_file(file, 1 << 20);
  REQUIRE(stored.ok());
  CHECK(*stored == kComposeYaml);
  CHECK(rig.fs.stat(kWork + "/.home/.docker")->has_value());
  const auto& records = rig.sink.records();
  CHECK(std::any_of(records.begin(), records.end(), [](const LogRecord& record) {
    return record.message == "compose CLI detected" &&
           std::any_of(record.fields.begin(), record.fields.end(), [](const LogField& field) {
             return field.key == "version" && field.value == "1.29.2";
           });
  }));

  // Detected once: a second apply runs only config and up.
  REQUIRE(rig.apply(rig.spec()).ok());
  CHECK(rig.processes.runs.size() == 7);
  CHECK(rig.processes.runs_with({"version"}).size() == 3);
}

TEST_CASE("apply on the v2 plugin waits with --wait and a matching process timeout", "[compose][apply]") {
  RuntimeRig rig;
  rig.script_v2();
  REQUIRE(rig.apply(rig.spec({{"packageLocation", kPackageUrl}, {"wait", "true"}, {"timeout", "2m"}})).ok());
  CHECK(rig.processes.runs_with({"docker-compose"}).empty());
  const auto ups = rig.processes.runs_with({"up"});
  REQUIRE(ups.size() == 1);
  CHECK(ups[0].argv == Argv{"docker", "compose", "-p", rig.project, "-f",
                            package_dir(kComposeYaml) + "/compose.yaml", "up", "-d", "--remove-orphans",
                            "--wait", "--wait-timeout", "120"});
  CHECK(ups[0].timeout == std::chrono::seconds(150));
  CHECK(rig.processes.runs_with({"ps"}).empty());  // compose waits itself
}

TEST_CASE("v1 wait polls the containers on executor timers until all run", "[compose][apply][wait]") {
  RuntimeRig rig;
  rig.script_v1();
  int polls = 0;
  rig.processes.on_call({"ps", "--format"}, [&](const ProcessSpec&) {
    ++polls;
    const std::string web = polls < 3 ? ps_line("web", "running", "Up 1 second (health: starting)")
                                      : ps_line("web", "running", "Up 3 seconds (healthy)");
    // Warnings on stderr never disturb the parsing of stdout.
    return Result<ProcessResult>(exited(0, web + ps_line("worker", "running", "Up 3 seconds"),
                                        "WARNING: Error loading config file\n"));
  });
  REQUIRE(rig.apply(rig.spec({{"packageLocation", kPackageUrl}, {"wait", true}, {"timeout", "1m"}})).ok());
  CHECK(polls == 3);
  CHECK(rig.executor.now() == MonoTime(std::chrono::seconds(2)));
  CHECK(rig.processes.runs_with({"up", "--wait"}).empty());
}

TEST_CASE("v1 wait gives up at the component timeout with compose.timeout", "[compose][apply][wait]") {
  RuntimeRig rig;
  rig.script_v1();
  rig.processes.on({"ps", "--format"}, exited(0, ps_line("web", "restarting", "Restarting (1) 1 second ago") +
                                                     ps_line("worker", "running", "Up 5 seconds")));
  const Status outcome =
      rig.apply(rig.spec({{"packageLocation", kPackageUrl}, {"wait", true}, {"timeout", "5s"}}));
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == "compose.timeout");
  CHECK_THAT(outcome.error().message, Catch::Contains("service web"));
  CHECK(rig.executor.now() == MonoTime(std::chrono::seconds(5)));
}

TEST_CASE("an engine that does not answer makes the runtime unavailable, and it is detected again later",
          "[compose][apply][unavailable]") {
  RuntimeRig rig;
  rig.script_v1();
  rig.processes.on({"docker", "version"}, exited(1, "", kCannotConnect), 1);
  const Status outcome = rig.apply(rig.spec());
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == "runtime.unavailable");
  CHECK(outcome.error().retryable());
  CHECK_THAT(outcome.error().message, Catch::Contains("Cannot connect") && Catch::Contains(kDockerHost));
  CHECK(rig.processes.runs.size() == 1);  // nothing else tried

  // The engine is up now: the next apply detects again and works.
  REQUIRE(rig.apply(rig.spec()).ok());
  CHECK(rig.processes.runs_with({"docker", "version", "--format"}).size() == 2);

  // The engine goes away after detection: the command's output says so, and detection runs again.
  rig.processes.on({"up"},
                   exited(1, "",
                          "Traceback (most recent call last):\n...\ndocker.errors.DockerException: "
                          "Error while fetching server API version: ('Connection aborted.')\n"),
                   1);
  CHECK(rig.apply(rig.spec()).error().code == "runtime.unavailable");
  REQUIRE(rig.apply(rig.spec()).ok());
  CHECK(rig.processes.runs_with({"docker", "version", "--format"}).size() == 3);
}

TEST_CASE("no compose CLI at all makes the runtime unavailable with a clear message",
          "[compose][apply][unavailable]") {
  RuntimeRig rig;
  rig.script_v1();
  rig.processes.on({"docker-compose", "version"}, permanent_error("process.not_found", "not found in PATH"));
  const Status outcome = rig.apply(rig.spec());
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == "runtime.unavailable");
  CHECK_THAT(outcome.error().message, Catch::Contains("neither"));
  // No docker CLI either.
  RuntimeRig bare;
  bare.processes.on({"docker"}, permanent_error("process.not_found", "not found in PATH"));
  CHECK(bare.apply(bare.spec()).error().code == "runtime.unavailable");
  CHECK(bare.inspect().error().code == "runtime.unavailable");
  CHECK(bare.remove().error().code == "runtime.unavailable");
}

TEST_CASE("a compose file compose refuses is compose.invalid_file, and the package in force stays",
          "[compose][apply]") {
  RuntimeRig rig;
  rig.script_v1();
  REQUIRE(rig.apply(rig.spec()).ok());
  const std::string bad_yaml = kComposeYaml + "    bogus_key: 1\n";
  rig.http.serve(kPackageUrl, 200, bad_yaml);
  rig.processes.on({"config", "-q"}, exited(1, "",
                                            "The Compose file './compose.yaml' is invalid because:\n"
                                            "Unsupported config option for services.worker: 'bogus_key'\n"));
  const Status outcome = rig.apply(rig.spec());
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.error().code == "compose.invalid_file");
  CHECK(outcome.error().error_class == ErrorClass::permanent);
  CHECK_THAT(outcome.error().message, Catch::Contains("bogus_key"));
  CHECK(rig.processes.runs_with({"up"}).size() == 1);  // only the first, good apply
  CHECK(rig.exists(package_dir(kComposeYaml)));
  CHECK_FALSE(rig.exists(package_dir(bad_yaml)));
  auto active = rig.fs.read_file(rig.project_dir() + "/active", 4096);
  REQUIRE(active.ok());
  CHECK_THAT(*active, Catch::Contains(sha256_hex(kComposeYaml).substr(0, 16)));
}

TEST_CASE("up failures are compose.up_failed with compose's stderr, and a hung up is compose.timeout",
          "[compose][apply]") {
  RuntimeRig rig;
  rig.script_v1();
  rig.processes.on({"up"},
                   exited(1, "",
                          "Pulling web (127.0.0.1:1/absent:1)...\nGet \"http://127.0.0.1:1/v2/\": "
                          "dial tcp 127.0.0.1:1: connect: connection refused\n"),
                   1);
  const Status failed = rig.apply(rig.spec());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == "compose.up_failed");
  CHECK(failed.error().retryable());
  CHECK_THAT(failed.error().message, Catch::Contains("connection refused"));

  ProcessResult hung = exited(-1);
  hung.signal = 15;
  hung.timed_out = true;
  rig.processes.on({"up"}, hung, 1);
  CHECK(rig.apply(rig.spec()).error().code == "compose.timeout");
}

TEST_CASE("bad properties and parameters fail before anything runs", "[compose][apply]") {
  RuntimeRig rig;
  rig.script_v1();
  CHECK(rig.apply(rig.spec(nlohmann::json::object())).error().code == "component.invalid_property");
  CHECK(rig.apply(rig.spec({{"packageLocation", kPackageUrl}, {"timeout", "soon"}})).error().code ==
        "component.invalid_property");
  CHECK(rig.apply(rig.spec({{"packageLocation", "http://dl.example/c.yaml"}})).error().code ==
        "compose.insecure_location");
  CHECK(rig.apply(rig.spec({{"packageLocation", kPackageUrl}}, {{"DOCKER_HOST", "tcp://evil:2375"}}))
            .error()
            .code == "compose.invalid_parameter");
  CHECK(rig.apply(rig.spec({{"packageLocation", kPackageUrl}}, {{"SITE", nlohmann::json::array()}}))
            .error()
            .code == "compose.invalid_parameter");
  rig.project = "../../etc";
  CHECK(rig.apply(rig.spec()).error().code == "compose.invalid_project_name");
  CHECK(rig.processes.runs.empty());
  CHECK(rig.http.requests.empty());
}

TEST_CASE("package failures stop the apply before compose runs", "[compose][apply]") {
  RuntimeRig rig;
  rig.script_v1();
  rig.http.serve(kPackageUrl, 503, "");
  CHECK(rig.apply(rig.spec()).error().code == "compose.package_fetch_failed");
  rig.http.serve(kPackageUrl, 200, kComposeYaml);
  const Status mismatch = rig.apply(rig.spec(
      {{"packageLocation", kPackageUrl}, {"packageDigest", "sha256:" + sha256_hex("something else")}}));
  CHECK(mismatch.error().code == "compose.digest_mismatch");
  CHECK(rig.processes.runs_with({"config"}).empty());
  CHECK_FALSE(rig.exists(rig.project_dir()));
}

TEST_CASE("a tar.gz package is stored with its folders and the old package goes after an update",
          "[compose][apply]") {
  RuntimeRig rig;
  rig.script_v1();
  const std::string archive = gzip(tar({{"compose.yaml", kComposeYaml}, {"config/app.ini", "[app]\n"}}));
  rig.http.serve(kPackageUrl, 200, archive);
  REQUIRE(rig.apply(rig.spec()).ok());
  auto config = rig.fs.read_file(package_dir(archive) + "/config/app.ini", 4096);
  REQUIRE(config.ok());
  CHECK(*config == "[app]\n");

  rig.http.serve(kPackageUrl, 200, kComposeYaml);
  REQUIRE(rig.apply(rig.spec()).ok());
  CHECK(rig.exists(package_dir(kComposeYaml)));
  CHECK_FALSE(rig.exists(package_dir(archive)));
}

TEST_CASE("completions of a destroyed runtime are dropped", "[compose][apply]") {
  RuntimeRig rig;
  rig.script_v1();
  bool called = false;
  rig.runtime->apply(rig.spec(), [&](Status) { called = true; });
  rig.runtime->inspect(rig.ref(), [&](Result<ComponentObservation>) { called = true; });
  rig.executor.run_one();
  rig.runtime.reset();
  rig.executor.run_until_idle();
  CHECK_FALSE(called);
}
