#pragma once
// The WorkloadRuntime contract runs against every runtime (compose on a real Docker engine, helm
// through the fake helm CLI, the fake runtime in virtual time). A driver owns one runtime and what it
// needs, and knows how to make components for it and to disturb its workloads from outside.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/workload_runtime.hpp"

namespace margo::contract {

class RuntimeDriver {
 public:
  virtual ~RuntimeDriver() = default;

  virtual WorkloadRuntime& runtime() = 0;
  // Runs the runtime's executor until `done` holds or `limit` passes (virtual or real time).
  // Returns whether `done` held.
  virtual bool run_until(const std::function<bool()>& done, Duration limit) = 0;

  // A component that installs and runs, with its runtime name chosen by the runtime.
  virtual ComponentSpec installable(const std::string& deployment_id, const std::string& component_name,
                                    std::vector<ParameterValue> parameters) = 0;
  // A component whose install fails (an image or chart that does not exist).
  virtual ComponentSpec uninstallable(const std::string& deployment_id,
                                      const std::string& component_name) = 0;
  // The parameter pointer installable() components take, and what the running workload sees of it
  // (nullopt when it cannot be read).
  virtual std::string parameter_pointer() const = 0;
  virtual std::optional<std::string> parameter_seen(const ComponentRef& ref) = 0;
  // Makes the workload fail behind the agent's back (a container killed, a release failed).
  virtual void break_workload(const ComponentRef& ref) = 0;
  // Deletes the workload behind the agent's back.
  virtual void delete_workload(const ComponentRef& ref) = 0;
};

}  // namespace margo::contract
