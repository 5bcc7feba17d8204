#include "agent/app/config/config_loader.hpp"

#include "agent/app/config/config_sections.hpp"
#include "agent/app/config/config_walker.hpp"
#include "agent/app/config/data_directory.hpp"
#include "agent/app/config/file_checks.hpp"
#include "agent/app/config/yaml_document.hpp"

namespace margo {
namespace {

constexpr std::size_t max_config_bytes = 1 << 20;

const std::vector<std::string_view> root_keys = {"logging",    "database",     "deviceRootIdentity",
                                                 "wfm",        "stateSeeking", "runtimes",
                                                 "monitoring", "deployments",  "capabilities"};

void read_sections(ConfigWalker& walker, const MapFields& root, const ConfigParseOptions& options,
                   AgentConfig& config) {
  const bool readable_by_others = options.readable_by_others;
  read_logging(walker, root, config.logging);
  read_database(walker, root, options.default_data_dir, config);
  const auto identity_type = read_identity(walker, root, config.identity);
  read_wfm(walker, root, WfmSectionContext{identity_type, readable_by_others}, config.wfm);
  read_state_seeking(walker, root, config.state_seeking_interval, config.communication);
  read_runtimes(walker, root, config.runtimes);
  read_monitoring(walker, root, config.monitoring);
  read_deployments(walker, root, config.deployments);
  read_capabilities(walker, root, config.capabilities);
}

ConfigParseOptions options_here(std::string file_name, bool readable_by_others) {
  const DataDirectoryEnvironment environment = current_data_directory_environment();
  return ConfigParseOptions{std::move(file_name), environment.working_directory, readable_by_others,
                            default_data_directory(environment)};
}

}  // namespace

ConfigLoad parse_config_with(std::string_view yaml, const ConfigParseOptions& options) {
  ProblemCollector sink(options.file_name);
  ConfigLoad load;
  AgentConfig config;
  config.source_file = options.file_name;
  if (const auto document = load_single_document(yaml, sink)) {
    ConfigWalker walker(sink, options.base_directory);
    const Position start = position_of(document->Mark());
    try {
      if (const auto root = walker.map(Field{*document, "", start, start}, root_keys)) {
        read_sections(walker, *root, options, config);
      }
    } catch (const YAML::Exception& error) {
      sink.problem(position_of(error.mark), "", "unreadable YAML: " + error.msg);
    }
  }
  if (!sink.has_problems()) load.config = std::move(config);
  load.problems = sink.take_problems();
  load.warnings = sink.take_warnings();
  return load;
}

ConfigLoad parse_config(std::string_view yaml, const std::string& file_name) {
  return parse_config_with(yaml, options_here(file_name, false));
}

ConfigLoad load_config_file(const std::string& path) {
  auto text = read_text_file(path, max_config_bytes);
  if (!text) {
    ConfigLoad load;
    load.problems.push_back(ConfigProblem{path, 0, 0, "", text.error().message});
    return load;
  }
  const auto readable = readable_by_group_or_others(path);
  // When the permissions cannot be read, assume the worst: inline secrets are refused.
  const bool readable_by_others = !readable || *readable;
  return parse_config_with(*text, options_here(path, readable_by_others));
}

}  // namespace margo
