#include "agent/core/status_report.hpp"

#include <nlohmann/json.hpp>

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

}  // namespace margo
