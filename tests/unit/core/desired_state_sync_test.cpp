// DesiredStateSync on its own: which route it fetches (the bundle or each changed YAML), that every
// artifact is checked against its digest with the error codes the rest of the agent relies on, and
// that a bundle whose files are not exactly the manifest's deployments is refused, changing nothing.

#include <catch2/catch.hpp>

#include <map>

#include "agent/core/desired_state_sync.hpp"
#include "agent/core/encoding.hpp"
#include "agent/core/state_store.hpp"
#include "fakes/archive/tar_writer.hpp"
#include "sim/adapters/memory_filesystem.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/virtual_executor.hpp"

using namespace margo;

namespace {

std::string deployment_yaml(const std::string& id) {
  return "apiVersion: application.margo.org/v1alpha1\nkind: ApplicationDeployment\nid: " + id +
         "\nmetadata:\n  name: " + id +
         "\nspec:\n  deploymentProfile:\n    type: helm\n    components:\n      - name: web\n        "
         "properties:\n"
         "          repository: oci://registry.test/charts/web\n          revision: 1.0.0\n";
}

std::string digest_of(const std::string& bytes) {
  return "sha256:" + sha256_hex(bytes);
}

// Serves artifacts by URL and records which were asked for.
class ArtifactWfm final : public WfmApi {
 public:
  explicit ArtifactWfm(Executor& executor) : executor_(executor) {}
  std::map<std::string, std::string> artifacts;
  std::vector<std::string> fetched;

  void set_client_id(const std::string&) override {}
  void fetch_root_ca(Callback<std::string>) override {}
  void onboard(Callback<std::string>) override {}
  void report_capabilities(bool, const std::string&, Callback<void>) override {}
  void fetch_manifest(const std::optional<std::string>&, Callback<ManifestFetch>) override {}
  void post_status(const std::string&, const std::string&, Callback<void>) override {}
  void fetch_artifact(const std::string& url, std::size_t, Callback<std::string> done) override {
    fetched.push_back(url);
    const auto found = artifacts.find(url);
    Result<std::string> result = found == artifacts.end()
                                     ? Result<std::string>(Error{"wfm.http_404", "not found",
                                                                 ErrorClass::permanent, 404, std::nullopt})
                                     : Result<std::string>(found->second);
    executor_.post(
        [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); });
  }

 private:
  Executor& executor_;
};

struct Rig {
  VirtualExecutor executor;
  MemoryFileSystem fs{executor};
  RecordingLogSink logs;
  StateStore store{fs, "/data"};
  PersistedState state{store, AgentState{}};
  DeploymentStore deployments{fs, "/data"};
  RuntimeRegistry runtimes{{}};
  ArtifactWfm wfm{executor};
  DesiredStateSync sync{executor,       wfm,      state,
                        deployments,    runtimes, Logger(logs, executor, LogLevel::debug, "sync"),
                        SyncSettings{}, nullptr};
  Manifest manifest;

  Rig() { REQUIRE(fs.create_directories("/data", 0700).ok()); }

  // Adds a deployment to the manifest and serves its YAML.
  void add(const std::string& id) {
    const std::string yaml = deployment_yaml(id);
    const std::string url = "/api/v1/clients/c/deployments/" + id + "/" + digest_of(yaml);
    manifest.deployments.push_back({id, digest_of(yaml), std::nullopt, url});
    wfm.artifacts[url] = yaml;
  }
  // Serves a bundle of these files and names it in the manifest.
  void bundle(const std::vector<fake::TarEntry>& files) {
    const std::string bytes = fake::gzip(fake::tar(files));
    const std::string url = "/api/v1/clients/c/bundles/" + digest_of(bytes);
    manifest.bundle =
        BundleRef{"application/vnd.margo.bundle.v1+tar+gzip", digest_of(bytes), std::nullopt, url};
    wfm.artifacts[url] = bytes;
  }
  Status take_in(std::uint64_t version) {
    manifest.version = version;
    std::optional<Status> result;
    sync.take_in(manifest, "\"etag-" + std::to_string(version) + "\"", [&](Status done) { result = done; });
    executor.run_until_idle();
    REQUIRE(result.has_value());
    return *result;
  }
  bool fetched_bundle() const {
    for (const auto& url : wfm.fetched)
      if (url.find("/bundles/") != std::string::npos) return true;
    return false;
  }
};

std::vector<fake::TarEntry> files_of(const std::vector<std::string>& ids) {
  std::vector<fake::TarEntry> files;
  for (const auto& id : ids) files.emplace_back(id + ".yaml", deployment_yaml(id));
  return files;
}

}  // namespace

TEST_CASE("the first sync takes the bundle; a small change later takes only the changed YAML") {
  Rig rig;
  rig.add("d-1");
  rig.add("d-2");
  rig.bundle(files_of({"d-1", "d-2"}));
  REQUIRE(rig.take_in(2).ok());
  CHECK(rig.wfm.fetched.size() == 1);
  CHECK(rig.fetched_bundle());
  CHECK(rig.state.get().pending_manifest_version == 2u);
  CHECK(rig.state.get().pending_manifest_etag == "\"etag-2\"");
  CHECK(rig.state.get().deployments.size() == 2);

  rig.wfm.fetched.clear();
  rig.add("d-3");
  rig.bundle(files_of({"d-1", "d-2", "d-3"}));
  REQUIRE(rig.take_in(3).ok());
  CHECK(rig.wfm.fetched == std::vector<std::string>{rig.manifest.deployments[2].url});
  CHECK(rig.state.get().deployments.count("d-3") == 1);
}

TEST_CASE("a YAML whose bytes do not hash to its digest is sync.digest_mismatch, and nothing changes") {
  Rig rig;
  rig.add("d-1");
  REQUIRE(rig.take_in(2).ok());
  const AgentState before = rig.state.get();
  rig.add("d-2");
  rig.wfm.artifacts[rig.manifest.deployments[1].url] += "# tampered\n";
  const Status taken = rig.take_in(3);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == "sync.digest_mismatch");
  CHECK(taken.error().error_class == ErrorClass::security);
  CHECK(rig.state.get() == before);
}

TEST_CASE("a bundle whose files are not exactly the manifest's deployments is sync.bundle_mismatch") {
  Rig rig;
  rig.add("d-1");
  rig.add("d-2");
  SECTION("a file no deployment lists") {
    rig.bundle(files_of({"d-1", "d-2", "d-9"}));
  }
  SECTION("a listed deployment missing") {
    rig.bundle(files_of({"d-1"}));
  }
  const Status taken = rig.take_in(2);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == "sync.bundle_mismatch");
  CHECK(rig.fetched_bundle());
  CHECK(rig.state.get().deployments.empty());
  CHECK_FALSE(rig.state.get().pending_manifest_version.has_value());
}

TEST_CASE("a bundle that lacks an unchanged deployment is refused too: its set must match the manifest") {
  Rig rig;
  rig.add("d-1");
  rig.add("d-2");
  rig.bundle(files_of({"d-1", "d-2"}));
  REQUIRE(rig.take_in(2).ok());
  // Three new deployments (the bundle route), and the bundle leaves out the unchanged d-1.
  for (const std::string id : {"d-3", "d-4", "d-5"}) rig.add(id);
  rig.bundle(files_of({"d-2", "d-3", "d-4", "d-5"}));
  const Status taken = rig.take_in(3);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().code == "sync.bundle_mismatch");
  CHECK(taken.error().message.find("d-1") != std::string::npos);
  CHECK(rig.state.get().deployments.size() == 2);
}

TEST_CASE("a 404 on a YAML aborts the cycle and deletes nothing") {
  Rig rig;
  rig.add("d-1");
  REQUIRE(rig.take_in(2).ok());
  rig.add("d-2");
  rig.wfm.artifacts.erase(rig.manifest.deployments[1].url);
  const Status taken = rig.take_in(3);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().http_status == 404);
  CHECK(rig.state.get().deployments.count("d-1") == 1);
  CHECK(rig.state.get().pending_manifest_version == 2u);
}
