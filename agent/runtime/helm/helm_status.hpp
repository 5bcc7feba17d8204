#pragma once
// What `helm status RELEASE -o json` (and `helm upgrade ... -o json`) print: the release record.
// Only stdout is parsed; helm's warnings go to stderr and never reach the parser.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"
#include "agent/ports/workload_runtime.hpp"

namespace margo {

struct HelmReleaseStatus {
  std::string name;
  std::string namespace_name;
  std::string status;  // deployed, failed, pending-install, pending-upgrade, pending-rollback, ...
  std::string description;
  int revision = 0;
  std::string chart_name;                            // chart.metadata.name, empty when helm did not say
  std::string chart_version;                         // chart.metadata.version
  nlohmann::json config = nlohmann::json::object();  // the user-supplied values of this revision
};

// Errors: helm.invalid_output (retryable: a helm that prints garbage may be mid-upgrade itself) for
// anything that is not a JSON object with a string "name", a string "info.status" and an integer
// "version". `what` names the command in the message.
Result<HelmReleaseStatus> parse_helm_release(std::string_view stdout_text, std::string_view what);

// pending-install, pending-upgrade, pending-rollback.
bool is_pending_status(std::string_view status);

// deployed -> running; failed -> failed; pending-* and uninstalling -> progressing; uninstalled (a
// release kept with --keep-history) -> missing; superseded as the latest revision (history damaged by
// hand) and unknown statuses -> failed, so the engine repairs them.
ComponentObservation observe_release(const HelmReleaseStatus& release);

}  // namespace margo
