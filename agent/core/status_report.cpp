#include "agent/core/status_report.hpp"

#include <nlohmann/json.hpp>
#include <set>

namespace margo {
namespace {

nlohmann::json error_json(const StatusError& error) {
  return {{"code", error.code}, {"message", error.message}, {"source", error.source}};
}

}  // namespace

std::string status_report_body(const DeploymentRecord& record) {
  nlohmann::json status = {{"state", to_string(record.state)}};
  if (record.error) status["error"] = error_json(*record.error);
  nlohmann::json components = nlohmann::json::array();
  for (const auto& component : record.components) {
    nlohmann::json item = {{"name", component.name}, {"state", to_string(component.state)}};
    if (component.error) item["error"] = error_json(*component.error);
    components.push_back(std::move(item));
  }
  return nlohmann::json{{"apiVersion", kStatusApiVersion},
                        {"kind", "DeploymentStatusManifest"},
                        {"deploymentId", record.id},
                        {"status", status},
                        {"components", components}}
      .dump();
}

void queue_status_report(AgentState& state, const DeploymentRecord& record) {
  state.outbox.push_back({state.next_report_sequence++, record.id, status_report_body(record)});
}

bool coalesce_outbox(AgentState& state) {
  std::set<std::string> newer;
  std::vector<OutboxEntry> kept;
  for (auto entry = state.outbox.rbegin(); entry != state.outbox.rend(); ++entry)
    if (newer.insert(entry->deployment_id).second) kept.push_back(*entry);
  if (kept.size() == state.outbox.size()) return false;
  state.outbox.assign(kept.rbegin(), kept.rend());
  return true;
}

}  // namespace margo
