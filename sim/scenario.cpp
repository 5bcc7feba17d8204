#include "sim/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/requirements.hpp"
#include "sim/scenario_events.hpp"
#include "sim/scenario_reader.hpp"

namespace margo::sim {
namespace {

DailyWindow read_window(const Reader& read, const YAML::Node& node, const std::string& where) {
  auto window = parse_daily_window(read.text(node, where));
  if (!window) read.fail(node, where, window.error().message);
  return *window;
}

Expectations parse_expectations(const Reader& read, const YAML::Node& node) {
  read.only_keys(node, "expect",
                 {"agentPhase",
                  "onboardings",
                  "onboardingRequests",
                  "minPolls",
                  "maxPolls",
                  "minNotModified",
                  "maxFailedPolls",
                  "capabilitiesReports",
                  "manifestVersion",
                  "fatalCode",
                  "allSignaturesVerified",
                  "deployments",
                  "statusSequence",
                  "runtimeComponents",
                  "maxRuntimeApplies",
                  "outboxEmpty",
                  "quietWindows",
                  "ifNoneMatchAfterFirst200",
                  "noRequestsAfterRefusal",
                  "reportedBy",
                  "capabilitiesResentWithin",
                  "maxRequestsPerHour",
                  "securityEvents",
                  "requirements"});
  Expectations expect;
  if (node["agentPhase"]) expect.agent_phase = read.text(node["agentPhase"], "expect.agentPhase");
  if (node["onboardings"]) expect.onboardings = read.count(node["onboardings"], "expect.onboardings");
  if (node["onboardingRequests"])
    expect.onboarding_requests = read.count(node["onboardingRequests"], "expect.onboardingRequests");
  if (node["minPolls"]) expect.min_polls = read.count(node["minPolls"], "expect.minPolls");
  if (node["maxPolls"]) expect.max_polls = read.count(node["maxPolls"], "expect.maxPolls");
  if (node["minNotModified"])
    expect.min_not_modified = read.count(node["minNotModified"], "expect.minNotModified");
  if (node["maxFailedPolls"])
    expect.max_failed_polls = read.count(node["maxFailedPolls"], "expect.maxFailedPolls");
  if (node["capabilitiesReports"])
    expect.capabilities_reports = read.count(node["capabilitiesReports"], "expect.capabilitiesReports");
  if (node["manifestVersion"])
    expect.manifest_version = read.count(node["manifestVersion"], "expect.manifestVersion");
  if (node["fatalCode"]) expect.fatal_code = read.text(node["fatalCode"], "expect.fatalCode");
  if (const auto deployments = node["deployments"]) {
    if (!deployments.IsMap()) read.fail(deployments, "expect.deployments", "expected a mapping");
    for (const auto& entry : deployments) {
      const std::string id = entry.first.as<std::string>();
      const std::string state = read.text(entry.second, "expect.deployments." + id);
      if (state != "absent" && !deployment_state_from_string(state))
        read.fail(entry.second, "expect.deployments." + id, "not a deployment state or 'absent'");
      expect.deployments[id] = state;
    }
  }
  if (const auto sequences = node["statusSequence"]) {
    if (!sequences.IsMap()) read.fail(sequences, "expect.statusSequence", "expected a mapping");
    for (const auto& entry : sequences) {
      const std::string id = entry.first.as<std::string>();
      if (!entry.second.IsSequence())
        read.fail(entry.second, "expect.statusSequence." + id, "expected a list");
      for (const auto& state : entry.second)
        expect.status_sequences[id].push_back(read.text(state, "expect.statusSequence." + id));
    }
  }
  if (node["runtimeComponents"])
    expect.runtime_components = read.count(node["runtimeComponents"], "expect.runtimeComponents");
  if (node["maxRuntimeApplies"])
    expect.max_runtime_applies = read.count(node["maxRuntimeApplies"], "expect.maxRuntimeApplies");
  if (node["outboxEmpty"]) expect.outbox_empty = read.flag(node["outboxEmpty"], "expect.outboxEmpty");
  if (const auto quiet = node["quietWindows"]) {
    if (!quiet.IsSequence()) read.fail(quiet, "expect.quietWindows", "expected a list of HH:MM-HH:MM");
    for (std::size_t i = 0; i < quiet.size(); ++i)
      expect.quiet_windows.push_back(
          read_window(read, quiet[i], "expect.quietWindows[" + std::to_string(i) + "]"));
  }
  if (node["allSignaturesVerified"])
    expect.all_signatures_verified = read.flag(node["allSignaturesVerified"], "expect.allSignaturesVerified");
  if (node["ifNoneMatchAfterFirst200"])
    expect.if_none_match_after_first_200 =
        read.flag(node["ifNoneMatchAfterFirst200"], "expect.ifNoneMatchAfterFirst200");
  if (node["noRequestsAfterRefusal"])
    expect.no_requests_after_refusal =
        read.flag(node["noRequestsAfterRefusal"], "expect.noRequestsAfterRefusal");
  if (const auto reported = node["reportedBy"]) {
    if (!reported.IsMap()) read.fail(reported, "expect.reportedBy", "expected a mapping");
    for (const auto& entry : reported) {
      const std::string id = entry.first.as<std::string>();
      const std::string where = "expect.reportedBy." + id;
      if (!entry.second.IsMap()) read.fail(entry.second, where, "expected a mapping of state to time");
      for (const auto& deadline : entry.second) {
        const std::string state = deadline.first.as<std::string>();
        if (!deployment_state_from_string(state))
          read.fail(deadline.first, where + "." + state, "not a deployment state");
        expect.reported_by[id][state] = read.duration(deadline.second, where + "." + state);
      }
    }
  }
  if (node["capabilitiesResentWithin"])
    expect.capabilities_resent_within =
        read.duration(node["capabilitiesResentWithin"], "expect.capabilitiesResentWithin");
  if (const auto rate = node["maxRequestsPerHour"]) {
    read.only_keys(rate, "expect.maxRequestsPerHour", {"from", "to", "max"});
    if (!rate["from"] || !rate["to"] || !rate["max"])
      read.fail(rate, "expect.maxRequestsPerHour", "needs from, to and max");
    Expectations::RequestRate limit;
    limit.from = read.duration(rate["from"], "expect.maxRequestsPerHour.from");
    limit.to = read.duration(rate["to"], "expect.maxRequestsPerHour.to");
    limit.max = read.count(rate["max"], "expect.maxRequestsPerHour.max");
    if (limit.to <= limit.from) read.fail(rate, "expect.maxRequestsPerHour", "to must come after from");
    expect.max_requests_per_hour = limit;
  }
  if (const auto events = node["securityEvents"]) {
    if (!events.IsMap()) read.fail(events, "expect.securityEvents", "expected a mapping of code to count");
    for (const auto& entry : events) {
      const std::string code = entry.first.as<std::string>();
      expect.security_events[code] = read.count(entry.second, "expect.securityEvents." + code);
    }
  }
  if (const auto requirements = node["requirements"]) {
    if (!requirements.IsMap()) read.fail(requirements, "expect.requirements", "expected a mapping");
    for (const auto& entry : requirements) {
      const std::string key = entry.first.as<std::string>();
      const std::string where = "expect.requirements." + key;
      if (!is_expectation_key(key)) read.fail(entry.first, where, "not an expectation key");
      if (!entry.second.IsSequence() || entry.second.size() == 0)
        read.fail(entry.second, where, "expected a list of checklist item numbers");
      for (const auto& item : entry.second) {
        const auto number = read.count(item, where);
        if (requirement_title(static_cast<int>(number)).empty())
          read.fail(item, where,
                    "checklist item " + std::to_string(number) + " is not one the scenarios check");
        expect.requirements[key].push_back(static_cast<int>(number));
      }
    }
  }
  return expect;
}

Scenario parse(const Reader& read, const YAML::Node& root) {
  read.only_keys(
      root, "",
      {"name", "description", "seed", "duration", "agent", "network", "runtime", "events", "expect"});
  Scenario scenario;
  if (!root["name"]) read.fail(root, "name", "missing");
  scenario.name = read.text(root["name"], "name");
  if (root["description"]) scenario.description = read.text(root["description"], "description");
  if (root["seed"]) scenario.world.seed = read.count(root["seed"], "seed");
  if (root["duration"]) scenario.duration = read.duration(root["duration"], "duration");
  if (const auto agent = root["agent"]) {
    read.only_keys(agent, "agent",
                   {"pollInterval", "logLevel", "signRequests", "pollingHours", "downtime", "runtimes",
                    "brokenForTesting"});
    if (const auto broken = agent["brokenForTesting"]) {
      const std::string fault = read.text(broken, "agent.brokenForTesting");
      if (fault != "drop-if-none-match")
        read.fail(broken, "agent.brokenForTesting", "the only deliberate fault is drop-if-none-match");
      scenario.world.broken_drop_if_none_match = true;
    }
    if (const auto runtimes = agent["runtimes"]) {
      if (!runtimes.IsSequence()) read.fail(runtimes, "agent.runtimes", "expected a list of compose, helm");
      scenario.world.runtimes.clear();
      for (std::size_t i = 0; i < runtimes.size(); ++i) {
        const std::string type = read.text(runtimes[i], "agent.runtimes[" + std::to_string(i) + "]");
        if (type != "compose" && type != "helm")
          read.fail(runtimes[i], "agent.runtimes[" + std::to_string(i) + "]", "compose or helm");
        scenario.world.runtimes.push_back(type);
      }
    }
    if (agent["pollingHours"])
      scenario.world.communication.polling_hours =
          read_window(read, agent["pollingHours"], "agent.pollingHours");
    if (const auto downtime = agent["downtime"]) {
      if (!downtime.IsSequence()) read.fail(downtime, "agent.downtime", "expected a list of HH:MM-HH:MM");
      for (std::size_t i = 0; i < downtime.size(); ++i)
        scenario.world.communication.downtimes.push_back(
            read_window(read, downtime[i], "agent.downtime[" + std::to_string(i) + "]"));
    }
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
  if (const auto runtime = root["runtime"]) {
    read.only_keys(runtime, "runtime", {"applyDuration", "removeDuration"});
    if (runtime["applyDuration"])
      scenario.world.runtime.apply_duration =
          read.duration(runtime["applyDuration"], "runtime.applyDuration");
    if (runtime["removeDuration"])
      scenario.world.runtime.remove_duration =
          read.duration(runtime["removeDuration"], "runtime.removeDuration");
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
