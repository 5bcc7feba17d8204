#include "agent/core/agent_state.hpp"

namespace margo {

nlohmann::json to_json(const AgentState& state) {
  nlohmann::json json = {
      {"clientId", state.client_id},
      {"capabilities", {{"reported", state.capabilities_reported}, {"sha256", state.capabilities_sha256}}},
      {"manifest", {{"etag", state.manifest_etag}}},
  };
  // u64 stays exact: nlohmann stores it as number_unsigned.
  json["manifest"]["version"] =
      state.manifest_version ? nlohmann::json(*state.manifest_version) : nlohmann::json();
  if (state.pending_manifest_version)
    json["pendingManifest"] = {{"version", *state.pending_manifest_version},
                               {"etag", state.pending_manifest_etag}};
  nlohmann::json deployments = nlohmann::json::array();
  for (const auto& [id, record] : state.deployments) deployments.push_back(to_json(record));
  json["deployments"] = std::move(deployments);
  nlohmann::json outbox = nlohmann::json::array();
  for (const auto& entry : state.outbox)
    outbox.push_back(
        {{"sequence", entry.sequence}, {"deploymentId", entry.deployment_id}, {"body", entry.body}});
  json["outbox"] = std::move(outbox);
  json["nextReportSequence"] = state.next_report_sequence;
  return json;
}

namespace {

Error invalid_state(const std::string& field, const std::string& reason) {
  return permanent_error("state.invalid", "state field '" + field + "': " + reason);
}

}  // namespace

Result<AgentState> agent_state_from_json(const nlohmann::json& json) {
  if (!json.is_object()) return invalid_state("(root)", "not an object");
  AgentState state;

  const auto client_id = json.find("clientId");
  if (client_id == json.end() || !client_id->is_string())
    return invalid_state("clientId", "missing or not a string");
  state.client_id = client_id->get<std::string>();

  const auto capabilities = json.find("capabilities");
  if (capabilities == json.end() || !capabilities->is_object())
    return invalid_state("capabilities", "missing");
  const auto reported = capabilities->find("reported");
  const auto digest = capabilities->find("sha256");
  if (reported == capabilities->end() || !reported->is_boolean())
    return invalid_state("capabilities.reported", "missing or not a boolean");
  if (digest == capabilities->end() || !digest->is_string())
    return invalid_state("capabilities.sha256", "missing or not a string");
  state.capabilities_reported = reported->get<bool>();
  state.capabilities_sha256 = digest->get<std::string>();

  const auto manifest = json.find("manifest");
  if (manifest == json.end() || !manifest->is_object()) return invalid_state("manifest", "missing");
  const auto etag = manifest->find("etag");
  const auto version = manifest->find("version");
  if (etag == manifest->end() || !etag->is_string())
    return invalid_state("manifest.etag", "missing or not a string");
  state.manifest_etag = etag->get<std::string>();
  if (version == manifest->end()) return invalid_state("manifest.version", "missing");
  if (version->is_number_unsigned()) {
    state.manifest_version = version->get<std::uint64_t>();
  } else if (!version->is_null()) {
    return invalid_state("manifest.version", "not an unsigned 64-bit integer");
  }
  // Absent in state files written before manifests were accepted only once reconciled.
  if (const auto pending = json.find("pendingManifest"); pending != json.end()) {
    const auto pending_version = pending->is_object() ? pending->find("version") : pending->end();
    const auto pending_etag = pending->is_object() ? pending->find("etag") : pending->end();
    if (pending_version == pending->end() || !pending_version->is_number_unsigned())
      return invalid_state("pendingManifest.version", "missing or not an unsigned 64-bit integer");
    if (pending_etag == pending->end() || !pending_etag->is_string())
      return invalid_state("pendingManifest.etag", "missing or not a string");
    state.pending_manifest_version = pending_version->get<std::uint64_t>();
    state.pending_manifest_etag = pending_etag->get<std::string>();
  }

  const auto deployments = json.find("deployments");
  if (deployments == json.end() || !deployments->is_array())
    return invalid_state("deployments", "missing or not a list");
  for (const auto& item : *deployments) {
    auto record = deployment_record_from_json(item);
    if (!record) return record.error();
    const std::string id = record->id;
    if (!state.deployments.emplace(id, std::move(record).value()).second)
      return invalid_state("deployments", "'" + id + "' appears twice");
  }
  const auto outbox = json.find("outbox");
  if (outbox == json.end() || !outbox->is_array()) return invalid_state("outbox", "missing or not a list");
  for (const auto& item : *outbox) {
    if (!item.is_object() || !item.contains("sequence") || !item["sequence"].is_number_unsigned() ||
        !item.contains("deploymentId") || !item["deploymentId"].is_string() || !item.contains("body") ||
        !item["body"].is_string())
      return invalid_state("outbox[]", "each entry needs sequence, deploymentId and body");
    state.outbox.push_back({item["sequence"].get<std::uint64_t>(), item["deploymentId"].get<std::string>(),
                            item["body"].get<std::string>()});
  }
  const auto next = json.find("nextReportSequence");
  if (next == json.end() || !next->is_number_unsigned())
    return invalid_state("nextReportSequence", "missing");
  state.next_report_sequence = next->get<std::uint64_t>();
  return state;
}

}  // namespace margo
