#include "agent/runtime/compose/container_status.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

namespace margo {
namespace {

Error malformed(std::size_t line_number, const std::string& why) {
  return retryable_error("compose.inspect_failed",
                         "docker ps output line " + std::to_string(line_number) + " " + why);
}

// Labels come as one "k1=v1,k2=v2" string. A value may itself hold a comma (a config file path), so
// a piece without '=' continues the previous value.
std::map<std::string, std::string> parse_labels(std::string_view text) {
  std::map<std::string, std::string> labels;
  std::string* last = nullptr;
  while (!text.empty()) {
    const auto end = std::min(text.find(','), text.size());
    const std::string_view piece = text.substr(0, end);
    const auto equals = piece.find('=');
    if (equals != std::string_view::npos) {
      last = &(labels[std::string(piece.substr(0, equals))] = std::string(piece.substr(equals + 1)));
    } else if (last != nullptr) {
      *last += ",";
      *last += piece;
    }
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return labels;
}

ContainerHealth health_from_status(std::string_view status) {
  if (status.find("(health: starting)") != std::string_view::npos) return ContainerHealth::starting;
  if (status.find("(unhealthy)") != std::string_view::npos) return ContainerHealth::unhealthy;
  if (status.find("(healthy)") != std::string_view::npos) return ContainerHealth::healthy;
  return ContainerHealth::none;
}

std::string text_field(const nlohmann::json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// Docker's Status without its clock ("Exited (137) 3 seconds ago" -> "Exited (137)", "Up 2 hours
// (healthy)" -> "Up (healthy)"): the first word and the parenthesised parts. A description that changed
// only because time passed would be reported to the WFM as a new error on every look.
std::string stable_status(std::string_view status) {
  std::string stable(status.substr(0, std::min(status.find(' '), status.size())));
  for (auto open = status.find('('); open != std::string_view::npos; open = status.find('(', open + 1)) {
    const auto close = status.find(')', open);
    if (close == std::string_view::npos) break;
    stable += " ";
    stable += status.substr(open, close - open + 1);
  }
  return stable;
}

std::string describe(const ContainerStatus& container) {
  const std::string who =
      container.service.empty() ? "container " + container.name : "service " + container.service;
  return who + ": " + container.state +
         (container.status.empty() ? "" : " (" + stable_status(container.status) + ")");
}

}  // namespace

Result<std::vector<ContainerStatus>> parse_container_lines(std::string_view output) {
  std::vector<ContainerStatus> containers;
  std::size_t line_number = 0;
  while (!output.empty()) {
    const auto end = std::min(output.find('\n'), output.size());
    std::string_view line = output.substr(0, end);
    output.remove_prefix(std::min(end + 1, output.size()));
    ++line_number;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    // parse() with exceptions off: malformed input gives a discarded value, never a throw.
    const nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
    if (object.is_discarded() || !object.is_object()) return malformed(line_number, "is not a JSON object");
    ContainerStatus container;
    container.name = text_field(object, "Names");
    container.state = text_field(object, "State");
    container.status = text_field(object, "Status");
    if (container.state.empty()) return malformed(line_number, "has no State");
    const auto labels = parse_labels(text_field(object, "Labels"));
    if (const auto service = labels.find("com.docker.compose.service"); service != labels.end())
      container.service = service->second;
    if (const auto one_off = labels.find("com.docker.compose.oneoff"); one_off != labels.end())
      container.one_off = one_off->second == "True" || one_off->second == "true";
    container.health = health_from_status(container.status);
    containers.push_back(std::move(container));
  }
  return containers;
}

ComponentObservation summarize_containers(const std::vector<ContainerStatus>& containers,
                                          const std::vector<std::string>& expected_services) {
  std::vector<std::string> failures;
  std::vector<std::string> unsettled;
  std::set<std::string> services_seen;
  std::size_t counted = 0;
  for (const ContainerStatus& container : containers) {
    if (container.one_off) continue;
    ++counted;
    services_seen.insert(container.service);
    const std::string& state = container.state;
    if (state == "exited" || state == "dead" || state == "paused" ||
        container.health == ContainerHealth::unhealthy) {
      failures.push_back(describe(container));
    } else if (state != "running" || container.health == ContainerHealth::starting) {
      unsettled.push_back(describe(container));
    }
  }
  if (counted == 0) return {ComponentHealth::missing, "no containers"};
  for (const std::string& service : expected_services)
    if (!services_seen.count(service)) failures.push_back("service " + service + ": no container");

  auto join = [](const std::vector<std::string>& parts) {
    std::string joined;
    for (const auto& part : parts) joined += (joined.empty() ? "" : "; ") + part;
    return joined;
  };
  if (!failures.empty()) return {ComponentHealth::failed, join(failures)};
  if (!unsettled.empty()) return {ComponentHealth::progressing, join(unsettled)};
  return {ComponentHealth::running,
          std::to_string(counted) + (counted == 1 ? " container" : " containers") + " running"};
}

}  // namespace margo
