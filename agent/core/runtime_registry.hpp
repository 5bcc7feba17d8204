#pragma once
// The workload runtimes this device has, by the deploymentProfile type they serve.

#include <map>
#include <string>
#include <vector>

#include "agent/ports/workload_runtime.hpp"

namespace margo {

class RuntimeRegistry {
 public:
  explicit RuntimeRegistry(const std::vector<WorkloadRuntime*>& runtimes) {
    for (auto* runtime : runtimes) by_type_[runtime->profile_type()] = runtime;
  }
  // Null when no runtime serves the type.
  WorkloadRuntime* find(const std::string& profile_type) const {
    const auto found = by_type_.find(profile_type);
    return found == by_type_.end() ? nullptr : found->second;
  }

 private:
  std::map<std::string, WorkloadRuntime*> by_type_;
};

}  // namespace margo
