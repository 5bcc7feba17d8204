#pragma once
// The command lines the runtime runs, for both compose CLIs: the `docker compose` v2 plugin and the
// standalone Python `docker-compose` v1 (the only one Debian 12 ships). Pure functions: what to run,
// and how to read what came back.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/executor.hpp"

namespace margo {

enum class ComposeFlavor { plugin_v2, standalone_v1 };

struct ComposeCli {
  ComposeFlavor flavor = ComposeFlavor::standalone_v1;
  std::string version;  // "1.29.2", "2.24.5"
  std::string docker_path = "docker";
  std::string docker_compose_path = "docker-compose";
};

std::string_view to_string(ComposeFlavor flavor);

// The version probes, tried in this order.
std::vector<std::string> plugin_version_argv(const std::string& docker_path);
std::vector<std::string> standalone_version_argv(const std::string& docker_compose_path);
// Asks the engine for its version: fails when the engine is not reachable.
std::vector<std::string> engine_version_argv(const std::string& docker_path);
// The version from `... version --short` output ("v2.24.5\n" -> "2.24.5"); nullopt when it is not one.
std::optional<std::string> parse_compose_version(std::string_view output);

// <compose> -p PROJECT -f FILE ARGS...
std::vector<std::string> compose_argv(const ComposeCli& cli, const std::string& project,
                                      const std::string& file, const std::vector<std::string>& arguments);
// Validates the file without touching the engine.
std::vector<std::string> config_check_argv(const ComposeCli& cli, const std::string& project,
                                           const std::string& file);
// up -d --remove-orphans; with a wait timeout on v2 also --wait --wait-timeout SECONDS (v1 has no
// --wait: the runtime polls instead). Never --force-recreate, never a volume flag: updates keep volumes.
std::vector<std::string> up_argv(const ComposeCli& cli, const std::string& project, const std::string& file,
                                 std::optional<Duration> wait_timeout);
std::vector<std::string> down_argv(const ComposeCli& cli, const std::string& project, const std::string& file,
                                   bool remove_volumes);

// The project's containers, one JSON object per line. --size=false: `{{json .}}` would otherwise make
// the engine compute every container's disk usage.
std::vector<std::string> container_list_argv(const std::string& docker_path, const std::string& project);
// For removal by label when the compose file is gone: ids of the project's containers, networks and
// volumes (one per line), and the commands that remove them.
std::string project_label_filter(const std::string& project);
std::vector<std::string> list_ids_argv(const std::string& docker_path, std::string_view object_kind,
                                       const std::string& project);
std::vector<std::string> remove_ids_argv(const std::string& docker_path, std::string_view object_kind,
                                         const std::vector<std::string>& ids, bool remove_volumes);
std::vector<std::string> split_ids(std::string_view output);

// Whether a CLI's output says the engine could not be reached (rather than that the command failed):
// the docker CLI's "Cannot connect to the Docker daemon", v1's Python "Error while fetching server API
// version", permission errors on the socket, and the like.
bool reports_engine_unreachable(std::string_view output);

// A CLI's stderr made fit for an error message: escape sequences and control characters removed,
// whitespace trimmed, at most max_bytes, keeping the end (where tracebacks and compose say what failed).
std::string trimmed_output(std::string_view output, std::size_t max_bytes = 2000);

}  // namespace margo
