// fake-helm: behaves like the helm v3 CLI for the commands the Helm runtime adapter uses, against a
// directory standing in for the cluster (see fake_helm_cluster.hpp).

#include <cstdlib>
#include <exception>
#include <iostream>

#include "fakes/helm_cli/fake_helm.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const char* kubeconfig = std::getenv("KUBECONFIG");
  const char* home = std::getenv("HOME");
  try {
    const auto outcome = margo::fake::run_fake_helm(args, {kubeconfig ? kubeconfig : "", home ? home : ""});
    std::cout << outcome.out << std::flush;
    std::cerr << outcome.err << std::flush;
    return outcome.exit_code;
  } catch (const std::exception& error) {
    std::cerr << "Error: fake-helm: " << error.what() << "\n";
    return 1;
  }
}
