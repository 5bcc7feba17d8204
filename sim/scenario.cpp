#include "sim/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "agent/app/config/value_parsers.hpp"

namespace margo::sim {
namespace {

// Scenario parsing stops at the first problem: the message names the source, the key and the line.
struct ScenarioError {
  std::string message;
};

class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& reason) const {
    std::string where = source_;
    if (node.IsDefined() && node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
    throw ScenarioError{where + ": " + key + ": " + reason};
  }

  void only_keys(const YAML::Node& map, const std::string& key, std::set<std::string> allowed) const {
    if (!map.IsMap()) fail(map, key, "expected a mapping");
    for (const auto& entry : map) {
      const auto name = entry.first.as<std::string>();
      if (!allowed.count(name)) fail(entry.first, key.empty() ? name : key + "." + name, "unknown key");
    }
  }

  std::string text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "expected a scalar");
    return node.as<std::string>();
  }

  Duration duration(const YAML::Node& node, const std::string& key) const {
    auto parsed = parse_duration(text(node, key));
    if (!parsed) fail(node, key, parsed.error().message);
    return *parsed;
  }

  std::uint64_t count(const YAML::Node& node, const std::string& key) const {
    const std::string value = text(node, key);
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 19)
      fail(node, key, "expected a non-negative integer");
    return std::stoull(value);
  }

  bool flag(const YAML::Node& node, const std::string& key) const {
    auto parsed = parse_bool(text(node, key));
    if (!parsed) fail(node, key, parsed.error().message);
    return *parsed;
  }

  double probability(const YAML::Node& node, const std::string& key) const {
    try {
      const double value = node.as<double>();
      if (value < 0.0 || value > 1.0) fail(node, key, "expected a probability in [0, 1]");
      return value;
    } catch (const YAML::Exception&) {
      fail(node, key, "expected a number");
    }
  }

 private:
  std::string source_;
};

fake::FaultSpec fault_spec(const Reader& read, const YAML::Node& node, const std::string& key) {
  read.only_keys(node, key, {"route", "count", "status", "retryAfter"});
  fake::FaultSpec spec;
  if (node["route"]) {
    const std::string route = read.text(node["route"], key + ".route");
    if (route != "any") {
      spec.route = fake::route_class_from_string(route);
      if (!spec.route) read.fail(node["route"], key + ".route", "unknown route class '" + route + "'");
    }
  }
  if (node["count"]) spec.count = static_cast<std::uint32_t>(read.count(node["count"], key + ".count"));
  if (node["status"]) spec.status = static_cast<int>(read.count(node["status"], key + ".status"));
  if (node["retryAfter"])
    spec.retry_after_seconds =
        static_cast<std::uint32_t>(read.count(node["retryAfter"], key + ".retryAfter"));
  return spec;
}

ScenarioEvent parse_event(const Reader& read, const YAML::Node& node, const std::string& key) {
  read.only_keys(node, key,
                 {"at", "wfmDown", "failNext", "partition", "onboardingPolicy", "restartAgent", "powerLoss",
                  "manifestVersion"});
  if (!node["at"]) read.fail(node, key + ".at", "missing");
  ScenarioEvent event;
  event.at = read.duration(node["at"], key + ".at");
  std::size_t actions = 0;
  if (node["wfmDown"]) {
    const bool down = read.flag(node["wfmDown"], key + ".wfmDown");
    event.description = down ? "WFM down (every request 503)" : "WFM up again";
    event.apply = [down](DeviceWorld& world) { world.wfm().set_down(down); };
    ++actions;
  }
  if (node["failNext"]) {
    const auto spec = fault_spec(read, node["failNext"], key + ".failNext");
    event.description = "WFM fails the next " + std::to_string(spec.count) + " " +
                        (spec.route ? std::string(fake::to_string(*spec.route)) : "any") + " requests with " +
                        std::to_string(spec.status);
    event.apply = [spec](DeviceWorld& world) { world.wfm().fail_next(spec); };
    ++actions;
  }
  if (node["partition"]) {
    const bool partitioned = read.flag(node["partition"], key + ".partition");
    event.description = partitioned ? "network partition: WFM unreachable" : "network partition healed";
    event.apply = [partitioned](DeviceWorld& world) {
      (void)world.network().set_partitioned(kWfmUrl, partitioned);
    };
    ++actions;
  }
  if (node["onboardingPolicy"]) {
    const std::string name = read.text(node["onboardingPolicy"], key + ".onboardingPolicy");
    const auto policy = fake::onboarding_policy_from_string(name);
    if (!policy)
      read.fail(node["onboardingPolicy"], key + ".onboardingPolicy", "unknown policy '" + name + "'");
    event.description = "WFM onboarding policy: " + name;
    event.apply = [policy](DeviceWorld& world) { world.wfm().set_onboarding_policy(*policy); };
    ++actions;
  }
  if (node["manifestVersion"]) {
    const auto version = read.count(node["manifestVersion"], key + ".manifestVersion");
    event.description = "WFM forces manifestVersion " + std::to_string(version);
    event.apply = [version](DeviceWorld& world) { world.wfm().force_manifest_version(version); };
    ++actions;
  }
  if (node["restartAgent"] && read.flag(node["restartAgent"], key + ".restartAgent")) {
    event.description = "agent killed (kill -9) and started again";
    event.apply = [](DeviceWorld& world) { world.start_agent(); };
    ++actions;
  }
  if (node["powerLoss"] && read.flag(node["powerLoss"], key + ".powerLoss")) {
    event.description = "power loss; the device boots and starts the agent";
    event.apply = [](DeviceWorld& world) {
      world.power_loss();
      world.start_agent();
    };
    ++actions;
  }
  if (actions != 1) read.fail(node, key, "each event needs exactly one action");
  return event;
}

Expectations parse_expectations(const Reader& read, const YAML::Node& node) {
  read.only_keys(node, "expect",
                 {"agentPhase", "onboardings", "onboardingRequests", "minPolls", "maxPolls", "minNotModified", "maxFailedPolls",
                  "capabilitiesReports", "manifestVersion", "fatalCode", "allSignaturesVerified"});
  Expectations expect;
  if (node["agentPhase"]) expect.agent_phase = read.text(node["agentPhase"], "expect.agentPhase");
  if (node["onboardings"]) expect.onboardings = read.count(node["onboardings"], "expect.onboardings");
  if (node["onboardingRequests"])
    expect.onboarding_requests = read.count(node["onboardingRequests"], "expect.onboardingRequests");
  if (node["minPolls"]) expect.min_polls = read.count(node["minPolls"], "expect.minPolls");
  if (node["maxPolls"]) expect.max_polls = read.count(node["maxPolls"], "expect.maxPolls");
  if (node["minNotModified"])
    expect.min_not_modified = read.count(node["minNotModified"], "expect.minNotModified");
  if (node["maxFailedPolls"]) expect.max_failed_polls = read.count(node["maxFailedPolls"], "expect.maxFailedPolls");
  if (node["capabilitiesReports"])
    expect.capabilities_reports = read.count(node["capabilitiesReports"], "expect.capabilitiesReports");
  if (node["manifestVersion"])
    expect.manifest_version = read.count(node["manifestVersion"], "expect.manifestVersion");
  if (node["fatalCode"]) expect.fatal_code = read.text(node["fatalCode"], "expect.fatalCode");
  if (node["allSignaturesVerified"])
    expect.all_signatures_verified = read.flag(node["allSignaturesVerified"], "expect.allSignaturesVerified");
  return expect;
}

Scenario parse(const Reader& read, const YAML::Node& root) {
  read.only_keys(root, "",
                 {"name", "description", "seed", "duration", "agent", "network", "events", "expect"});
  Scenario scenario;
  if (!root["name"]) read.fail(root, "name", "missing");
  scenario.name = read.text(root["name"], "name");
  if (root["description"]) scenario.description = read.text(root["description"], "description");
  if (root["seed"]) scenario.world.seed = read.count(root["seed"], "seed");
  if (root["duration"]) scenario.duration = read.duration(root["duration"], "duration");
  if (const auto agent = root["agent"]) {
    read.only_keys(agent, "agent", {"pollInterval", "logLevel", "signRequests"});
    if (agent["pollInterval"])
      scenario.world.poll_interval = read.duration(agent["pollInterval"], "agent.pollInterval");
    if (agent["logLevel"]) {
      auto level = parse_log_level(read.text(agent["logLevel"], "agent.logLevel"));
      if (!level) read.fail(agent["logLevel"], "agent.logLevel", level.error().message);
      scenario.world.log_level = *level;
    }
    if (agent["signRequests"])
      scenario.world.sign_requests = read.flag(agent["signRequests"], "agent.signRequests");
  }
  if (const auto network = root["network"]) {
    read.only_keys(network, "network", {"latency", "loss"});
    if (const auto latency = network["latency"]) {
      if (!latency.IsSequence() || latency.size() != 2)
        read.fail(latency, "network.latency", "expected [min, max]");
      scenario.world.link.min_latency = read.duration(latency[0], "network.latency[0]");
      scenario.world.link.max_latency = read.duration(latency[1], "network.latency[1]");
      if (scenario.world.link.min_latency > scenario.world.link.max_latency)
        read.fail(latency, "network.latency", "min above max");
    }
    if (network["loss"])
      scenario.world.link.loss_probability = read.probability(network["loss"], "network.loss");
  }
  if (const auto events = root["events"]) {
    if (!events.IsSequence()) read.fail(events, "events", "expected a list");
    for (std::size_t i = 0; i < events.size(); ++i)
      scenario.events.push_back(parse_event(read, events[i], "events[" + std::to_string(i) + "]"));
    std::stable_sort(scenario.events.begin(), scenario.events.end(),
                     [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.at < b.at; });
    for (const auto& event : scenario.events)
      if (event.at > scenario.duration)
        read.fail(events, "events", "an event comes after the scenario's duration");
  }
  if (root["expect"]) scenario.expect = parse_expectations(read, root["expect"]);
  return scenario;
}

}  // namespace

Result<Scenario> parse_scenario(std::string_view yaml, const std::string& source_name) {
  const Reader read(source_name);
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    return parse(read, root);
  } catch (const ScenarioError& error) {
    return permanent_error("scenario.invalid", error.message);
  } catch (const YAML::Exception& error) {
    return permanent_error("scenario.invalid",
                           source_name + ":" + std::to_string(error.mark.line + 1) + ": " + error.msg);
  }
}

Result<Scenario> load_scenario_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return permanent_error("scenario.not_found", "cannot read scenario file " + path);
  std::ostringstream content;
  content << file.rdbuf();
  return parse_scenario(content.str(), path);
}

}  // namespace margo::sim
