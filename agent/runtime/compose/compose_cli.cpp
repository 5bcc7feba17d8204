#include "agent/runtime/compose/compose_cli.hpp"

#include <algorithm>
#include <array>

namespace margo {
namespace {

std::vector<std::string> compose_prefix(const ComposeCli& cli) {
  if (cli.flavor == ComposeFlavor::plugin_v2) return {cli.docker_path, "compose"};
  return {cli.docker_compose_path};
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

}  // namespace

std::string_view to_string(ComposeFlavor flavor) {
  return flavor == ComposeFlavor::plugin_v2 ? "docker compose (v2 plugin)" : "docker-compose (v1)";
}

std::vector<std::string> plugin_version_argv(const std::string& docker_path) {
  return {docker_path, "compose", "version", "--short"};
}

std::vector<std::string> standalone_version_argv(const std::string& docker_compose_path) {
  return {docker_compose_path, "version", "--short"};
}

std::vector<std::string> engine_version_argv(const std::string& docker_path) {
  return {docker_path, "version", "--format", "{{.Server.Version}}"};
}

std::optional<std::string> parse_compose_version(std::string_view output) {
  std::string_view version = trim(output.substr(0, output.find('\n')));
  if (!version.empty() && version.front() == 'v') version.remove_prefix(1);
  if (version.empty() || version.size() > 40 || version.front() < '0' || version.front() > '9')
    return std::nullopt;
  for (const char c : version) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' ||
                    c == '-' || c == '+' || c == '_';
    if (!ok) return std::nullopt;
  }
  return std::string(version);
}

std::vector<std::string> compose_argv(const ComposeCli& cli, const std::string& project,
                                      const std::string& file, const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = compose_prefix(cli);
  argv.insert(argv.end(), {"-p", project, "-f", file});
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  return argv;
}

std::vector<std::string> config_check_argv(const ComposeCli& cli, const std::string& project,
                                           const std::string& file) {
  return compose_argv(cli, project, file, {"config", "-q"});
}

std::vector<std::string> up_argv(const ComposeCli& cli, const std::string& project, const std::string& file,
                                 std::optional<Duration> wait_timeout) {
  std::vector<std::string> arguments = {"up", "-d", "--remove-orphans"};
  if (wait_timeout && cli.flavor == ComposeFlavor::plugin_v2) {
    // Whole seconds, rounded up, at least one: --wait-timeout takes seconds.
    const auto seconds = std::max<std::int64_t>(1, (wait_timeout->count() + 999) / 1000);
    arguments.insert(arguments.end(), {"--wait", "--wait-timeout", std::to_string(seconds)});
  }
  return compose_argv(cli, project, file, arguments);
}

std::vector<std::string> down_argv(const ComposeCli& cli, const std::string& project, const std::string& file,
                                   bool remove_volumes) {
  std::vector<std::string> arguments = {"down", "--remove-orphans"};
  if (remove_volumes) arguments.push_back("--volumes");
  return compose_argv(cli, project, file, arguments);
}

std::string project_label_filter(const std::string& project) {
  return "label=com.docker.compose.project=" + project;
}

std::vector<std::string> container_list_argv(const std::string& docker_path, const std::string& project) {
  return {docker_path,
          "ps",
          "--all",
          "--no-trunc",
          "--size=false",
          "--filter",
          project_label_filter(project),
          "--format",
          "{{json .}}"};
}

std::vector<std::string> list_ids_argv(const std::string& docker_path, std::string_view object_kind,
                                       const std::string& project) {
  if (object_kind == "container")
    return {docker_path, "ps", "--all", "--quiet", "--no-trunc", "--filter", project_label_filter(project)};
  return {docker_path, std::string(object_kind), "ls", "--quiet", "--filter", project_label_filter(project)};
}

std::vector<std::string> remove_ids_argv(const std::string& docker_path, std::string_view object_kind,
                                         const std::vector<std::string>& ids, bool remove_volumes) {
  std::vector<std::string> argv;
  if (object_kind == "container") {
    argv = {docker_path, "rm", "--force"};
    if (remove_volumes) argv.push_back("--volumes");  // the containers' anonymous volumes
  } else {
    argv = {docker_path, std::string(object_kind), "rm"};
  }
  argv.insert(argv.end(), ids.begin(), ids.end());
  return argv;
}

std::vector<std::string> split_ids(std::string_view output) {
  std::vector<std::string> ids;
  while (!output.empty()) {
    const auto end = std::min(output.find('\n'), output.size());
    const std::string_view line = trim(output.substr(0, end));
    if (!line.empty()) ids.emplace_back(line);
    output.remove_prefix(std::min(end + 1, output.size()));
  }
  return ids;
}

bool reports_engine_unreachable(std::string_view output) {
  // Not "connection refused": a failed image pull says that too, and it is no engine failure.
  static constexpr std::array<std::string_view, 6> kSigns = {
      "cannot connect to the docker daemon",        // docker CLI, compose v2
      "couldn't connect to docker daemon",          // compose v1, older wording
      "error while fetching server api version",    // compose v1 (docker-py)
      "error during connect",                       // docker CLI, tcp:// and npipe hosts
      "permission denied while trying to connect",  // docker CLI: socket not accessible
      "is the docker daemon running",
  };
  const std::string lowered = lowercase(output);
  return std::any_of(kSigns.begin(), kSigns.end(),
                     [&](std::string_view sign) { return lowered.find(sign) != std::string::npos; });
}

std::string trimmed_output(std::string_view output, std::size_t max_bytes) {
  std::string clean;
  clean.reserve(output.size());
  for (std::size_t i = 0; i < output.size(); ++i) {
    const auto c = static_cast<unsigned char>(output[i]);
    if (c == 0x1b) {  // ESC [ ... final byte: a terminal control sequence
      if (i + 1 < output.size() && output[i + 1] == '[') {
        i += 2;
        while (i < output.size() && !(output[i] >= 0x40 && output[i] <= 0x7e)) ++i;
      }
      continue;
    }
    if (c == '\r') continue;
    if (c < 0x20 && c != '\n' && c != '\t') continue;
    if (c == 0x7f) continue;
    clean += static_cast<char>(c);
  }
  std::string_view kept = trim(clean);
  if (kept.size() <= max_bytes) return std::string(kept);
  kept = kept.substr(kept.size() - max_bytes);
  // Do not start in the middle of a UTF-8 sequence.
  while (!kept.empty() && (static_cast<unsigned char>(kept.front()) & 0xc0) == 0x80) kept.remove_prefix(1);
  return "..." + std::string(kept);
}

}  // namespace margo
