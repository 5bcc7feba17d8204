// ComposeRuntime::remove and ::inspect against scripted CLIs.

#include <catch2/catch.hpp>

#include "runtime_rig.hpp"

using namespace margo;
using namespace margo::test;

namespace {

using Argv = std::vector<std::string>;

std::string label(const std::string& project) {
  return "label=com.docker.compose.project=" + project;
}

}  // namespace

TEST_CASE("remove runs down with the stored file, then deletes the project folder", "[compose][remove]") {
  for (const bool remove_volumes : {false, true}) {
    INFO("remove_volumes " << remove_volumes);
    ComposeSettings settings = test_settings();
    settings.remove_volumes = remove_volumes;
    RuntimeRig rig(settings);
    rig.script_v1();
    REQUIRE(rig.apply(rig.spec()).ok());
    const std::string file = rig.fs.list_directory(rig.project_dir())->back();
    REQUIRE(rig.remove().ok());
    const auto downs = rig.processes.runs_with({"down"});
    REQUIRE(downs.size() == 1);
    Argv expected = {
        "docker-compose",  "-p", rig.project, "-f", rig.project_dir() + "/" + file + "/compose.yaml", "down",
        "--remove-orphans"};
    if (remove_volumes) expected.push_back("--volumes");
    CHECK(downs[0].argv == expected);
    CHECK_FALSE(rig.exists(rig.project_dir()));
    CHECK(rig.processes.runs_with({"rm"}).empty());
    // Removing again: nothing there, nothing to do, success.
    rig.processes.on({"ps", "--quiet"}, exited(0, ""));
    rig.processes.on({"ls", "--quiet"}, exited(0, ""));
    REQUIRE(rig.remove().ok());
    CHECK(rig.processes.runs_with({"down"}).size() == 1);
    CHECK(rig.processes.unexpected.empty());
  }
}

TEST_CASE("without its folder a project is removed by label", "[compose][remove]") {
  for (const bool remove_volumes : {false, true}) {
    INFO("remove_volumes " << remove_volumes);
    ComposeSettings settings = test_settings();
    settings.remove_volumes = remove_volumes;
    RuntimeRig rig(settings);
    rig.script_v1();
    rig.processes.on({"ps", "--quiet"}, exited(0, "c1\nc2\n"));
    rig.processes.on({"network", "ls"}, exited(0, "n1\n"));
    rig.processes.on({"volume", "ls"}, exited(0, "v1\n"));
    rig.processes.on({"rm"}, exited(0));
    REQUIRE(rig.remove().ok());
    CHECK(rig.processes.unexpected.empty());
    CHECK(rig.processes.runs_with({"down"}).empty());
    Argv remove_containers = {"docker", "rm", "--force"};
    if (remove_volumes) remove_containers.push_back("--volumes");
    remove_containers.insert(remove_containers.end(), {"c1", "c2"});
    std::vector<Argv> expected = {
        {"docker", "ps", "--all", "--quiet", "--no-trunc", "--filter", label(rig.project)},
        remove_containers,
        {"docker", "network", "ls", "--quiet", "--filter", label(rig.project)},
        {"docker", "network", "rm", "n1"},
    };
    if (remove_volumes) {
      expected.push_back({"docker", "volume", "ls", "--quiet", "--filter", label(rig.project)});
      expected.push_back({"docker", "volume", "rm", "v1"});
    }
    std::vector<Argv> ran;
    for (const auto& spec : rig.processes.runs)
      if (!has_words(spec.argv, {"version"})) ran.push_back(spec.argv);
    CHECK(ran == expected);
  }
}

TEST_CASE("when down fails the labels still find everything", "[compose][remove]") {
  RuntimeRig rig;
  rig.script_v1();
  REQUIRE(rig.apply(rig.spec()).ok());
  rig.processes.on({"down"}, exited(1, "", "ERROR: Missing mandatory value for \"environment\" option\n"));
  rig.processes.on({"ps", "--quiet"}, exited(0, "c1\n"));
  rig.processes.on({"network", "ls"}, exited(0, ""));
  rig.processes.on({"rm"}, exited(0));
  REQUIRE(rig.remove().ok());
  CHECK(rig.processes.runs_with({"docker", "rm", "--force", "c1"}).size() == 1);
  CHECK_FALSE(rig.exists(rig.project_dir()));

  // A failing removal keeps the folder and says why.
  REQUIRE(rig.apply(rig.spec()).ok());
  rig.processes.on({"rm"}, exited(1, "", "Error response from daemon: driver failed\n"));
  const Status failed = rig.remove();
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == "compose.remove_failed");
  CHECK_THAT(failed.error().message, Catch::Contains("driver failed"));
  CHECK(rig.exists(rig.project_dir()));
}

TEST_CASE("remove while the engine is down fails retryably and keeps the folder", "[compose][remove]") {
  RuntimeRig rig;
  rig.script_v1();
  REQUIRE(rig.apply(rig.spec()).ok());
  rig.processes.on({"down"}, exited(1, "", kCannotConnect));
  CHECK(rig.remove().error().code == "runtime.unavailable");
  CHECK(rig.exists(rig.project_dir()));
}

TEST_CASE("inspect reads the project's containers by label", "[compose][inspect]") {
  RuntimeRig rig;
  rig.script_v1();
  rig.processes.on({"ps", "--format"}, exited(0, "", "WARNING: noise on stderr\n"));
  auto missing = rig.inspect();
  REQUIRE(missing.ok());
  CHECK(missing->health == ComponentHealth::missing);
  const auto lists = rig.processes.runs_with({"ps", "--format"});
  REQUIRE(lists.size() == 1);
  CHECK(lists[0].argv == Argv{"docker", "ps", "--all", "--no-trunc", "--size=false", "--filter",
                              label(rig.project), "--format", "{{json .}}"});

  REQUIRE(rig.apply(rig.spec()).ok());
  rig.processes.on({"ps", "--format"}, exited(0,
                                              ps_line("web", "running", "Up 1 minute (healthy)") +
                                                  ps_line("worker", "running", "Up 1 minute"),
                                              "WARNING: noise\n{not json on stderr\n"));
  CHECK(rig.inspect()->health == ComponentHealth::running);

  rig.processes.on({"ps", "--format"}, exited(0, ps_line("web", "exited", "Exited (137) 2 seconds ago") +
                                                     ps_line("worker", "running", "Up 1 minute")));
  auto killed = rig.inspect();
  CHECK(killed->health == ComponentHealth::failed);
  CHECK_THAT(killed->detail, Catch::Contains("service web") && Catch::Contains("Exited (137)"));

  // A service of the stored compose file without a container (the profile-only one is not expected).
  rig.processes.on({"ps", "--format"}, exited(0, ps_line("web", "running", "Up 1 minute")));
  auto partial = rig.inspect();
  CHECK(partial->health == ComponentHealth::failed);
  CHECK_THAT(partial->detail, Catch::Contains("service worker: no container") && !Catch::Contains("debug"));

  rig.processes.on({"ps", "--format"}, exited(0, ps_line("web", "running", "Up") + "{\"State\": broken\n"));
  auto malformed = rig.inspect();
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.error().code == "compose.inspect_failed");

  rig.processes.on({"ps", "--format"}, exited(1, "", kCannotConnect));
  CHECK(rig.inspect().error().code == "runtime.unavailable");
}

TEST_CASE("names and settings the runtime cannot use are refused, never inline", "[compose][inspect]") {
  RuntimeRig rig;
  rig.script_v1();
  for (const std::string bad : {"", "../x", "UPPER", "-x", "a/b"}) {
    rig.project = bad;
    CHECK(rig.inspect().error().code == "compose.invalid_project_name");
    CHECK(rig.remove().error().code == "compose.invalid_project_name");
  }
  CHECK(rig.processes.runs.empty());

  ComposeSettings settings = test_settings();
  settings.work_directory = "";
  RuntimeRig unconfigured(settings);
  unconfigured.script_v1();
  CHECK(unconfigured.apply(unconfigured.spec()).error().code == "compose.misconfigured");
}

TEST_CASE("the runtime serves the compose profile and names projects", "[compose]") {
  RuntimeRig rig;
  CHECK(rig.runtime->profile_type() == "compose");
  const std::string name = rig.runtime->runtime_name("5f0c2b7e-1d3a", "Line Monitor", "db");
  CHECK_THAT(name, Catch::StartsWith("line-monitor-db-"));
  CHECK(name != rig.runtime->runtime_name("another-id", "Line Monitor", "db"));
}
