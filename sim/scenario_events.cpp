#include "sim/scenario_events.hpp"

#include <nlohmann/json.hpp>

#include "sim/deployment_yaml.hpp"
#include "sim/hostile_bundles.hpp"

namespace margo::sim {
namespace {

using Apply = std::function<void(DeviceWorld&)>;

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

DeploymentDescription deployment(const Reader& read, const YAML::Node& node, const std::string& key) {
  read.only_keys(
      node, key,
      {"id", "type", "name", "namespace", "components", "revision", "parameters", "idInAnnotations", "yaml"});
  DeploymentDescription d;
  if (!node["id"]) read.fail(node, key + ".id", "missing");
  d.id = read.text(node["id"], key + ".id");
  if (node["type"]) d.type = read.text(node["type"], key + ".type");
  if (node["name"]) d.name = read.text(node["name"], key + ".name");
  if (node["namespace"]) d.namespace_name = read.text(node["namespace"], key + ".namespace");
  if (node["revision"]) d.revision = read.text(node["revision"], key + ".revision");
  if (node["idInAnnotations"])
    d.id_in_annotations = read.flag(node["idInAnnotations"], key + ".idInAnnotations");
  if (node["yaml"]) d.raw_yaml = read.text(node["yaml"], key + ".yaml");
  if (const auto components = node["components"]) {
    if (!components.IsSequence() || components.size() == 0)
      read.fail(components, key + ".components", "expected a list");
    d.components.clear();
    for (std::size_t i = 0; i < components.size(); ++i)
      d.components.push_back(read.text(components[i], key + ".components[" + std::to_string(i) + "]"));
  }
  if (const auto parameters = node["parameters"]) {
    if (!parameters.IsMap()) read.fail(parameters, key + ".parameters", "expected a mapping");
    for (const auto& entry : parameters)
      d.parameters[entry.first.as<std::string>()] = read.text(entry.second, key + ".parameters");
  }
  return d;
}

// The digest the fake WFM currently lists for a deployment, or its bundle digest ("" when none).
std::string listed_digest(DeviceWorld& world, const std::string& deployment_id) {
  const auto clients = world.wfm().client_ids();
  if (clients.empty()) return "";
  const auto manifest = nlohmann::json::parse(world.wfm().desired_state().manifest(clients.front()).body);
  if (deployment_id.empty())
    return manifest["bundle"].is_object() ? manifest["bundle"]["digest"].get<std::string>() : "";
  for (const auto& ref : manifest["deployments"])
    if (ref["deploymentId"] == deployment_id) return ref["digest"].get<std::string>();
  return "";
}

struct Action {
  std::string description;
  Apply apply;
};

std::optional<Action> wfm_action(const Reader& read, const YAML::Node& node, const std::string& key) {
  if (node["wfmDown"]) {
    const bool down = read.flag(node["wfmDown"], key + ".wfmDown");
    return Action{down ? "WFM down (every request 503)" : "WFM up again",
                  [down](DeviceWorld& world) { world.wfm().set_down(down); }};
  }
  if (node["manifestContentType"]) {
    const std::string type = read.text(node["manifestContentType"], key + ".manifestContentType");
    const std::optional<std::string> served =
        type == "default" ? std::nullopt : std::optional<std::string>(type);
    return Action{served ? "WFM labels its manifest " + type : "WFM labels its manifest correctly again",
                  [served](DeviceWorld& world) { world.wfm().set_manifest_content_type(served); }};
  }
  if (node["failNext"]) {
    const auto spec = fault_spec(read, node["failNext"], key + ".failNext");
    return Action{"WFM fails the next " + std::to_string(spec.count) + " " +
                      (spec.route ? std::string(fake::to_string(*spec.route)) : "any") + " requests with " +
                      std::to_string(spec.status),
                  [spec](DeviceWorld& world) { world.wfm().fail_next(spec); }};
  }
  if (node["onboardingPolicy"]) {
    const std::string name = read.text(node["onboardingPolicy"], key + ".onboardingPolicy");
    const auto policy = fake::onboarding_policy_from_string(name);
    if (!policy)
      read.fail(node["onboardingPolicy"], key + ".onboardingPolicy", "unknown policy '" + name + "'");
    return Action{"WFM onboarding policy: " + name,
                  [policy](DeviceWorld& world) { world.wfm().set_onboarding_policy(*policy); }};
  }
  if (node["manifestVersion"]) {
    const auto version = read.count(node["manifestVersion"], key + ".manifestVersion");
    return Action{"WFM forces manifestVersion " + std::to_string(version),
                  [version](DeviceWorld& world) { world.wfm().force_manifest_version(version); }};
  }
  if (const auto list = node["deployments"]) {
    if (!list.IsSequence()) read.fail(list, key + ".deployments", "expected a list");
    std::vector<fake::DeploymentDocument> documents;
    std::string names;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto d = deployment(read, list[i], key + ".deployments[" + std::to_string(i) + "]");
      documents.push_back({d.id, deployment_yaml(d)});
      names += (i ? ", " : "") + d.id + (d.raw_yaml.empty() ? " r" + d.revision : " (raw)");
    }
    return Action{"WFM desired state: [" + names + "]", [documents](DeviceWorld& world) {
                    if (!world.wfm().set_deployments(documents))
                      throw std::logic_error("scenario deployments refused");
                  }};
  }
  return std::nullopt;
}

std::optional<Action> artifact_action(const Reader& read, const YAML::Node& node, const std::string& key) {
  if (node["corruptArtifact"]) {
    const std::string id = read.text(node["corruptArtifact"], key + ".corruptArtifact");
    return Action{"WFM serves altered bytes for " + id + "'s YAML", [id](DeviceWorld& world) {
                    world.wfm().desired_state().override_artifact(listed_digest(world, id), "id: tampered\n");
                  }};
  }
  if (node["hideArtifact"]) {
    const std::string id = read.text(node["hideArtifact"], key + ".hideArtifact");
    return Action{"WFM answers 404 for " + id + "'s YAML", [id](DeviceWorld& world) {
                    world.wfm().desired_state().hide_artifact(listed_digest(world, id));
                  }};
  }
  if (node["corruptBundle"] && read.flag(node["corruptBundle"], key + ".corruptBundle"))
    return Action{"WFM serves altered bytes for the bundle", [](DeviceWorld& world) {
                    world.wfm().desired_state().override_artifact(listed_digest(world, ""), "not the bundle");
                  }};
  if (node["hideBundle"] && read.flag(node["hideBundle"], key + ".hideBundle"))
    return Action{"WFM answers 404 for the bundle", [](DeviceWorld& world) {
                    world.wfm().desired_state().hide_artifact(listed_digest(world, ""));
                  }};
  if (node["hostileBundle"]) {
    const std::string kind = read.text(node["hostileBundle"], key + ".hostileBundle");
    if (hostile_bundle(kind).empty())
      read.fail(node["hostileBundle"], key + ".hostileBundle", "unknown kind");
    return Action{"WFM serves a hostile bundle: " + kind, [kind](DeviceWorld& world) {
                    world.wfm().desired_state().set_raw_bundle(hostile_bundle(kind));
                  }};
  }
  if (node["clearArtifactFaults"] && read.flag(node["clearArtifactFaults"], key + ".clearArtifactFaults"))
    return Action{"WFM serves artifacts faithfully again", [](DeviceWorld& world) {
                    world.wfm().desired_state().clear_artifact_overrides();
                    world.wfm().desired_state().set_raw_bundle(std::nullopt);
                  }};
  return std::nullopt;
}

std::optional<Action> device_action(const Reader& read, const YAML::Node& node, const std::string& key) {
  if (node["partition"]) {
    const bool partitioned = read.flag(node["partition"], key + ".partition");
    return Action{
        partitioned ? "network partition: WFM unreachable" : "network partition healed",
        [partitioned](DeviceWorld& world) { (void)world.network().set_partitioned(kWfmUrl, partitioned); }};
  }
  if (node["changeCapabilities"]) {
    const std::string serial = read.text(node["changeCapabilities"], key + ".changeCapabilities");
    return Action{"capabilities file changed on the device (serialNumber " + serial + ")",
                  [serial](DeviceWorld& world) { world.change_capabilities(serial); }};
  }
  if (node["restartAgent"] && read.flag(node["restartAgent"], key + ".restartAgent"))
    return Action{"agent killed (kill -9) and started again",
                  [](DeviceWorld& world) { world.start_agent(); }};
  if (node["powerLoss"] && read.flag(node["powerLoss"], key + ".powerLoss"))
    return Action{"power loss; the device boots and starts the agent", [](DeviceWorld& world) {
                    world.power_loss();
                    world.start_agent();
                  }};
  if (node["runtimeDown"]) {
    const bool down = read.flag(node["runtimeDown"], key + ".runtimeDown");
    return Action{down ? "runtimes unreachable" : "runtimes reachable again", [down](DeviceWorld& world) {
                    world.compose().set_unavailable(down);
                    world.helm().set_unavailable(down);
                  }};
  }
  if (const auto slow = node["runtimeSlow"]) {
    const std::string where = key + ".runtimeSlow";
    read.only_keys(slow, where, {"component", "duration"});
    if (!slow["component"] || !slow["duration"]) read.fail(slow, where, "needs component and duration");
    const std::string component = read.text(slow["component"], where + ".component");
    const Duration duration = read.duration(slow["duration"], where + ".duration");
    return Action{
        "installing " + component + " now takes " + read.text(slow["duration"], where + ".duration"),
        [component, duration](DeviceWorld& world) {
          world.compose().set_apply_duration(component, duration);
          world.helm().set_apply_duration(component, duration);
        }};
  }
  if (const auto drift = node["workloadDrift"]) {
    const std::string where = key + ".workloadDrift";
    read.only_keys(drift, where, {"type", "deployment", "component", "health"});
    if (!drift["deployment"] || !drift["component"] || !drift["health"])
      read.fail(drift, where, "needs deployment, component and health");
    const std::string type = drift["type"] ? read.text(drift["type"], where + ".type") : "compose";
    if (type != "compose" && type != "helm") read.fail(drift, where + ".type", "compose or helm");
    const std::string deployment = read.text(drift["deployment"], where + ".deployment");
    const std::string component = read.text(drift["component"], where + ".component");
    const std::string health = read.text(drift["health"], where + ".health");
    if (health != "failed" && health != "missing") read.fail(drift, where + ".health", "failed or missing");
    return Action{component + " of " + deployment + (health == "failed" ? " dies" : " is deleted by hand"),
                  [=](DeviceWorld& world) {
                    auto& runtime = type == "helm" ? world.helm() : world.compose();
                    const auto name = runtime.installed_name(deployment, component);
                    if (!name) return;
                    if (health == "failed") {
                      runtime.set_health(*name, ComponentHealth::failed);
                    } else {
                      runtime.delete_behind_the_agents_back(*name);
                    }
                  }};
  }
  if (node["clearRuntimeFailures"] && read.flag(node["clearRuntimeFailures"], key + ".clearRuntimeFailures"))
    return Action{"the runtimes stop failing", [](DeviceWorld& world) {
                    world.compose().clear_failures();
                    world.helm().clear_failures();
                  }};
  if (const auto fails = node["runtimeFails"]) {
    const std::string where = key + ".runtimeFails";
    read.only_keys(fails, where, {"type", "operation", "component", "count", "code", "class"});
    const std::string type = fails["type"] ? read.text(fails["type"], where + ".type") : "compose";
    const std::string operation =
        fails["operation"] ? read.text(fails["operation"], where + ".operation") : "apply";
    if (type != "compose" && type != "helm") read.fail(fails, where + ".type", "compose or helm");
    if (operation != "apply" && operation != "remove")
      read.fail(fails, where + ".operation", "apply or remove");
    const std::string component =
        fails["component"] ? read.text(fails["component"], where + ".component") : "";
    const auto count = fails["count"] ? read.count(fails["count"], where + ".count") : 1;
    const std::string code =
        fails["code"] ? read.text(fails["code"], where + ".code") : "runtime." + operation + "_failed";
    // retryable (an image pull that fails for a while) unless the scenario says the failure is for good.
    const std::string error_class =
        fails["class"] ? read.text(fails["class"], where + ".class") : "retryable";
    if (error_class != "retryable" && error_class != "permanent")
      read.fail(fails, where + ".class", "retryable or permanent");
    const Error failure = error_class == "permanent"
                              ? permanent_error(code, "simulated " + operation + " failure")
                              : retryable_error(code, "simulated " + operation + " failure");
    return Action{type + " runtime fails the next " + std::to_string(count) + " " + operation + "s" +
                      (component.empty() ? "" : " of " + component),
                  [=](DeviceWorld& world) {
                    auto& runtime = type == "helm" ? world.helm() : world.compose();
                    runtime.fail_next(operation, component, static_cast<std::uint32_t>(count), failure);
                  }};
  }
  return std::nullopt;
}

}  // namespace

ScenarioEvent parse_event(const Reader& read, const YAML::Node& node, const std::string& key) {
  read.only_keys(node, key,
                 {"at",
                  "wfmDown",
                  "manifestContentType",
                  "failNext",
                  "partition",
                  "onboardingPolicy",
                  "restartAgent",
                  "powerLoss",
                  "manifestVersion",
                  "deployments",
                  "corruptArtifact",
                  "hideArtifact",
                  "corruptBundle",
                  "hideBundle",
                  "hostileBundle",
                  "clearArtifactFaults",
                  "runtimeDown",
                  "runtimeFails",
                  "clearRuntimeFailures",
                  "runtimeSlow",
                  "workloadDrift",
                  "changeCapabilities"});
  if (!node["at"]) read.fail(node, key + ".at", "missing");
  if (node.size() != 2) read.fail(node, key, "each event needs exactly one action");
  ScenarioEvent event;
  event.at = read.duration(node["at"], key + ".at");
  auto action = wfm_action(read, node, key);
  if (!action) action = artifact_action(read, node, key);
  if (!action) action = device_action(read, node, key);
  if (!action) read.fail(node, key, "each event needs exactly one action");
  event.description = std::move(action->description);
  event.apply = std::move(action->apply);
  return event;
}

}  // namespace margo::sim
