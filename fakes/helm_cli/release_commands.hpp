#pragma once
// fake-helm's commands that change releases: install, upgrade (with --install), rollback, uninstall.
// Each records the release as helm does: a pending revision first (pending-install, pending-upgrade,
// pending-rollback, uninstalling), then its final state, so the crash knob leaves exactly what a
// killed helm leaves. The delay knob sleeps between the two, with the cluster unlocked.

#include "fakes/helm_cli/command_line.hpp"
#include "fakes/helm_cli/fake_helm_cluster.hpp"
#include "fakes/helm_cli/release_records.hpp"

namespace margo::fake {

CommandOutcome run_install(FakeHelmCluster& cluster, const HelmCommandLine& line, bool upgrade_command);
CommandOutcome run_rollback(FakeHelmCluster& cluster, const HelmCommandLine& line);
CommandOutcome run_uninstall(FakeHelmCluster& cluster, const HelmCommandLine& line);

}  // namespace margo::fake
