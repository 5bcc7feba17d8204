#pragma once
// fake-helm's entry point, apart from main() so tests can see how a command line is dispatched: parse
// the command line, find the cluster through the kubeconfig, log the invocation, and run the command.
// See fake_helm_cluster.hpp for the cluster layout and the knobs.

#include <string>
#include <vector>

#include "fakes/helm_cli/release_records.hpp"

namespace margo::fake {

struct FakeHelmEnvironment {
  std::string kubeconfig;  // $KUBECONFIG
  std::string home;        // $HOME
};

CommandOutcome run_fake_helm(const std::vector<std::string>& args, const FakeHelmEnvironment& environment);

}  // namespace margo::fake
