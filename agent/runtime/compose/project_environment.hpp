#pragma once
// The exact environment of every docker / compose child: a fixed PATH, HOME and DOCKER_CONFIG under
// the runtime's work directory, DOCKER_HOST, and the component's parameters. Nothing of the agent's
// own environment reaches the child (ProcessSpec.environment is the whole environment).
//
// Parameters: a compose parameter's pointer names an environment variable that the compose file
// interpolates (${SITE_NAME}). Names must match [A-Za-z_][A-Za-z0-9_]*. Names that steer the tools
// themselves are reserved and refused: PATH, HOME, DOCKER_* and COMPOSE_* (the brief), and also LD_*
// (the dynamic loader) and PYTHON* (docker-compose v1 is a Python program: PYTHONPATH would run
// code). Values: strings as they are, numbers and booleans as their JSON text ("4", "2.5", "true");
// null, arrays and objects are refused (the spec leaves arrays "TBD"; no encoding would be portable).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/result.hpp"
#include "agent/ports/workload_runtime.hpp"

namespace margo {

using ChildEnvironment = std::map<std::string, std::string>;

// The PATH every child gets, whatever the agent's own PATH is.
inline constexpr std::string_view kChildSearchPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// PATH, HOME=<home_directory>, DOCKER_CONFIG=<home_directory>/.docker, DOCKER_HOST.
ChildEnvironment base_environment(const std::string& docker_host, const std::string& home_directory);

bool is_reserved_variable(std::string_view name);

// The base environment plus one variable per parameter. Errors: compose.invalid_parameter
// (permanent), naming the pointer and what is wrong; never echoing the value (it may be a secret).
Result<ChildEnvironment> project_environment(const ChildEnvironment& base,
                                             const std::vector<ParameterValue>& parameters);

}  // namespace margo
