#pragma once
// The state behind fake-helm, the stand-in for the helm v3 CLI in adapter tests: a "cluster" that is
// a directory, shared by every fake-helm process pointed at it and by the tests that set it up.
//
// Which cluster: `--kubeconfig F` (else $KUBECONFIG, else $HOME/.kube/config) names a kubeconfig file;
// the cluster is the directory "fake-cluster" next to it. A kubeconfig that does not exist is a
// cluster that cannot be reached, as with real helm.
//
// Layout of the cluster directory:
//   charts.json                          the charts that "exist": {"<reference>": ["1.0.0", "1.1.0"]}, the
//                                        last version listed is the latest. <reference> is an OCI
//                                        reference ("oci://registry.test/charts/web") or, for
//                                        `--repo URL CHART`, "URL/CHART". The chart's name is the last
//                                        path segment.
//   namespaces/<ns>/                     a namespace exists when its directory does ("default" always)
//   namespaces/<ns>/releases/<name>.json the release's revisions, oldest first, each exactly what
//                                        `helm status -o json` prints; written atomically (rename)
//   knobs/fail-<operation>.json          {"remaining": N, "message": "..."}: the next N <operation>s
//                                        fail with the message (install, upgrade, rollback, uninstall,
//                                        status); an install or upgrade leaves the release failed
//   knobs/delay-<operation>.json         {"milliseconds": N}: every install/upgrade/rollback/uninstall
//                                        takes that long; past the command's --timeout (default 5m0s)
//                                        it fails with "context deadline exceeded", release left failed
//   knobs/crash-<operation>.json         {"remaining": N}: the next N <operation>s record the release as
//                                        pending-install / pending-upgrade / pending-rollback /
//                                        uninstalling and then SIGKILL themselves
//   knobs/unreachable                    present: every cluster command fails "Kubernetes cluster
//                                        unreachable"
//   clock                                logical time: one tick (one second after 2024-01-01T00:00:00Z)
//                                        per mutating command, so timestamps are deterministic
//   invocations.jsonl                    every command line fake-helm ran, one JSON array per line
//   .lock                                flock(2) held while a command reads and writes the cluster
//
// Every method throws std::runtime_error when the directory cannot be read or written (this is test
// tooling; the agent never links it).

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace margo::fake {

class FakeHelmCluster {
 public:
  // <directory of kubeconfig_path>/fake-cluster
  static std::string directory_for(const std::string& kubeconfig_path);
  // Writes a minimal kubeconfig (mode 0600) at the path and returns its (empty) cluster.
  static FakeHelmCluster create(const std::string& kubeconfig_path);

  explicit FakeHelmCluster(std::string directory);
  ~FakeHelmCluster();
  FakeHelmCluster(FakeHelmCluster&& other) noexcept;
  FakeHelmCluster(const FakeHelmCluster&) = delete;
  FakeHelmCluster& operator=(const FakeHelmCluster&) = delete;
  FakeHelmCluster& operator=(FakeHelmCluster&&) = delete;

  const std::string& directory() const { return directory_; }

  // Held while a command works on the cluster; nested holds in one object are free.
  class Lock {
   public:
    explicit Lock(const FakeHelmCluster& cluster);
    ~Lock();
    Lock(const Lock&) = delete;
    Lock& operator=(const Lock&) = delete;

   private:
    const FakeHelmCluster& cluster_;
  };

  // --- charts
  void add_chart(const std::string& reference, const std::vector<std::string>& versions);
  // nullopt when the reference is unknown.
  std::optional<std::vector<std::string>> chart_versions(const std::string& reference) const;

  // --- namespaces and releases
  bool namespace_exists(const std::string& namespace_name) const;
  void create_namespace(const std::string& namespace_name);
  // Oldest first; empty when there is no release.
  std::vector<nlohmann::json> history(const std::string& namespace_name, const std::string& release) const;
  std::optional<nlohmann::json> latest(const std::string& namespace_name, const std::string& release) const;
  // Replaces the history atomically; an empty history deletes the release.
  void save_history(const std::string& namespace_name, const std::string& release,
                    const std::vector<nlohmann::json>& revisions);
  // (namespace, release) of every release, sorted; only `namespace_name` when given.
  std::vector<std::pair<std::string, std::string>> releases(
      const std::optional<std::string>& namespace_name) const;

  // --- drift from outside, as `kubectl` or an operator would cause it
  // Sets the latest revision's status (and description); false when there is no such release.
  bool set_release_status(const std::string& namespace_name, const std::string& release,
                          const std::string& status,
                          const std::string& description = "changed behind helm's back");
  bool delete_release(const std::string& namespace_name, const std::string& release);

  // --- knobs
  void fail_next(const std::string& operation, int count, const std::string& message);
  // The failure message when the next <operation> must fail (and counts it down).
  std::optional<std::string> take_failure(const std::string& operation);
  void set_delay(const std::string& operation, std::chrono::milliseconds delay);  // 0 removes it
  std::chrono::milliseconds delay(const std::string& operation) const;
  void crash_next(const std::string& operation, int count = 1);
  bool take_crash(const std::string& operation);
  void set_unreachable(bool unreachable);
  bool unreachable() const;

  // --- bookkeeping
  // Advances the logical clock: "2024-01-01T00:00:07Z" at tick 7.
  std::string next_timestamp();
  void record_invocation(const std::vector<std::string>& args);
  std::vector<std::vector<std::string>> invocations() const;

 private:
  std::string path(const std::string& relative) const { return directory_ + "/" + relative; }
  std::string release_file(const std::string& namespace_name, const std::string& release) const;
  std::optional<nlohmann::json> read_json(const std::string& file) const;
  void write_json(const std::string& file, const nlohmann::json& value) const;

  std::string directory_;
  mutable int lock_fd_ = -1;
  mutable int lock_depth_ = 0;
};

}  // namespace margo::fake
