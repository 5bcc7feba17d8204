#pragma once
// What `docker ps --all --format '{{json .}}'` says about a project's containers, and the health of
// the component that follows from it. Only stdout is parsed: warnings on stderr never break it.

#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/result.hpp"
#include "agent/ports/workload_runtime.hpp"

namespace margo {

enum class ContainerHealth { none, starting, healthy, unhealthy };

struct ContainerStatus {
  std::string name;
  std::string service;  // label com.docker.compose.service; empty when absent
  std::string state;    // running, exited, created, restarting, paused, removing, dead
  std::string status;   // the human text: "Up 5 seconds (healthy)", "Exited (137) 2 seconds ago"
  ContainerHealth health = ContainerHealth::none;
  bool one_off = false;  // made by `compose run`: not part of the deployed services
};

// One JSON object per non-blank line. Errors: compose.inspect_failed (retryable) for a line that is
// not a JSON object with the fields above, naming the line number; never a crash.
Result<std::vector<ContainerStatus>> parse_container_lines(std::string_view output);

// The component's health from its containers (one-off containers ignored):
//   none -> missing;
//   any exited, dead or paused container, any unhealthy one, or a service of `expected_services`
//   without a container -> failed, naming the service and its status;
//   any restarting, created or removing container, or a health check still starting -> progressing;
//   otherwise (all running, healthy when they have a health check) -> running.
ComponentObservation summarize_containers(const std::vector<ContainerStatus>& containers,
                                          const std::vector<std::string>& expected_services);

}  // namespace margo
