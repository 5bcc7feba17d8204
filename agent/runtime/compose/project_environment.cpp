#include "agent/runtime/compose/project_environment.hpp"

namespace margo {
namespace {

bool is_variable_name(std::string_view name) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

Error invalid_parameter(const std::string& pointer, const std::string& why) {
  return permanent_error("compose.invalid_parameter",
                         "parameter for '" + pointer.substr(0, 80) + "': " + why);
}

Result<std::string> environment_text(const ParameterValue& parameter) {
  const nlohmann::json& value = parameter.value;
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text.find('\0') != std::string::npos)
      return invalid_parameter(parameter.pointer, "the value contains a NUL byte");
    return text;
  }
  if (value.is_number() || value.is_boolean()) return value.dump();
  return invalid_parameter(parameter.pointer,
                           std::string("a ") + value.type_name() +
                               " value cannot be an environment variable (use a string, number or boolean)");
}

}  // namespace

ChildEnvironment base_environment(const std::string& docker_host, const std::string& home_directory) {
  return {
      {"PATH", std::string(kChildSearchPath)},
      {"HOME", home_directory},
      {"DOCKER_CONFIG", home_directory + "/.docker"},
      {"DOCKER_HOST", docker_host},
  };
}

bool is_reserved_variable(std::string_view name) {
  return name == "PATH" || name == "HOME" || name.starts_with("DOCKER_") || name.starts_with("COMPOSE_") ||
         name.starts_with("LD_") || name.starts_with("PYTHON");
}

Result<ChildEnvironment> project_environment(const ChildEnvironment& base,
                                             const std::vector<ParameterValue>& parameters) {
  ChildEnvironment environment = base;
  std::map<std::string, std::string> from_parameters;
  for (const ParameterValue& parameter : parameters) {
    const std::string& name = parameter.pointer;
    if (!is_variable_name(name))
      return invalid_parameter(
          name, "a compose pointer must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
    if (is_reserved_variable(name))
      return invalid_parameter(
          name, "the name is reserved (PATH, HOME, DOCKER_*, COMPOSE_*, LD_*, PYTHON* steer the tools)");
    auto text = environment_text(parameter);
    if (!text) return text.error();
    const auto [existing, inserted] = from_parameters.emplace(name, *text);
    if (!inserted && existing->second != *text)
      return invalid_parameter(name, "two parameters set this variable to different values");
    environment[name] = std::move(text).value();
  }
  return environment;
}

}  // namespace margo
