#pragma once
// fake-helm's commands that only read: version, status, get values, list; and the x-fake commands
// that change the cluster from outside helm (drift), for shell use:
//   fake-helm x-fake set-status RELEASE STATUS [--description D] -n NS --kubeconfig K
//   fake-helm x-fake delete RELEASE -n NS --kubeconfig K

#include "fakes/helm_cli/command_line.hpp"
#include "fakes/helm_cli/fake_helm_cluster.hpp"
#include "fakes/helm_cli/release_records.hpp"

namespace margo::fake {

// "v3.14.4+g81c902a" with --short.
CommandOutcome run_version(const HelmCommandLine& line);
CommandOutcome run_status(FakeHelmCluster& cluster, const HelmCommandLine& line);
CommandOutcome run_get_values(FakeHelmCluster& cluster, const HelmCommandLine& line);
CommandOutcome run_list(FakeHelmCluster& cluster, const HelmCommandLine& line);
CommandOutcome run_x_fake(FakeHelmCluster& cluster, const HelmCommandLine& line);

}  // namespace margo::fake
