#include "agent/core/desired_state_sync.hpp"

namespace margo {

void DesiredStateSync::take_in(const Manifest& manifest, Callback<void> done) {
  Status result;
  if (!manifest.deployments.empty()) {
    result = permanent_error("sync.unsupported", "manifest " + std::to_string(manifest.version) + " lists " +
                                                     std::to_string(manifest.deployments.size()) +
                                                     " deployments; deploying is not supported yet");
  }
  executor_.post(lifetime_.guard([done = std::move(done), result] { done(result); }));
}

}  // namespace margo
