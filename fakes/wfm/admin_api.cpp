#include "fakes/wfm/admin_api.hpp"

#include <nlohmann/json.hpp>

#include "fakes/wfm/responses.hpp"
#include "fakes/wfm/target_uri.hpp"

namespace margo::fake {
namespace {

using nlohmann::json;

constexpr std::string_view admin_prefix = "/_fake/";

HttpResponse applied() {
  HttpResponse response;
  response.status = 204;
  return response;
}

HttpResponse bad_request(const std::string& detail) {
  return error_response(400, "Invalid admin request", detail);
}

HttpResponse from_status(const Status& status) {
  return status ? applied() : bad_request(status.error().message);
}

// Reads an optional unsigned integer member; false when present but not one.
bool read_unsigned(const json& body, const char* key, std::optional<std::uint64_t>& out) {
  const auto found = body.find(key);
  if (found == body.end()) return true;
  if (!found->is_number_unsigned()) return false;
  out = found->get<std::uint64_t>();
  return true;
}

HttpResponse fail_next(FakeWfm& wfm, const json& body) {
  FaultSpec spec;
  const auto route = body.find("route");
  if (route == body.end() || !route->is_string())
    return bad_request("'route' must be a route class or \"any\"");
  if (*route != "any") {
    spec.route = route_class_from_string(route->get<std::string>());
    if (!spec.route) return bad_request("unknown route class '" + route->get<std::string>() + "'");
  }
  std::optional<std::uint64_t> count, status, retry_after;
  if (!read_unsigned(body, "count", count) || !read_unsigned(body, "status", status) ||
      !read_unsigned(body, "retryAfter", retry_after))
    return bad_request("'count', 'status' and 'retryAfter' must be non-negative integers");
  if (status && (*status < 100 || *status > 599)) return bad_request("'status' must be an HTTP status code");
  if (count && *count > 1000000) return bad_request("'count' is too large");
  if (retry_after && *retry_after > 86400) return bad_request("'retryAfter' is too large");
  spec.count = static_cast<std::uint32_t>(count.value_or(1));
  spec.status = static_cast<int>(status.value_or(503));
  if (retry_after) spec.retry_after_seconds = static_cast<std::uint32_t>(*retry_after);
  wfm.fail_next(spec);
  return applied();
}

Result<std::vector<DeploymentDocument>> read_deployments(const json& list) {
  if (!list.is_array()) return permanent_error("admin.invalid", "deployments must be an array");
  std::vector<DeploymentDocument> deployments;
  for (const auto& entry : list) {
    if (!entry.is_object() || !entry.contains("deploymentId") || !entry["deploymentId"].is_string() ||
        !entry.contains("yaml") || !entry["yaml"].is_string())
      return permanent_error("admin.invalid", "each deployment needs string 'deploymentId' and 'yaml'");
    deployments.push_back({entry["deploymentId"].get<std::string>(), entry["yaml"].get<std::string>()});
  }
  return deployments;
}

HttpResponse set_deployments(FakeWfm& wfm, const json& body) {
  const bool for_one = body.is_object();
  auto deployments = read_deployments(for_one ? body.value("deployments", json()) : body);
  if (!deployments) return bad_request(deployments.error().message);
  if (!for_one) return from_status(wfm.set_deployments(std::move(*deployments)));
  const auto client = body.find("clientId");
  if (client == body.end() || !client->is_string()) return bad_request("'clientId' must be a string");
  return from_status(wfm.set_client_deployments(client->get<std::string>(), std::move(*deployments)));
}

HttpResponse set_manifest_version(FakeWfm& wfm, const json& body) {
  std::optional<std::uint64_t> version;
  if (!read_unsigned(body, "version", version) || !version)
    return bad_request("'version' must be an unsigned integer");
  const auto client = body.find("clientId");
  if (client == body.end()) {
    wfm.force_manifest_version(*version);
    return applied();
  }
  if (!client->is_string()) return bad_request("'clientId' must be a string");
  return from_status(wfm.force_manifest_version(client->get<std::string>(), *version));
}

HttpResponse change(FakeWfm& wfm, std::string_view name, const json& body) {
  if (name == "deployments") return set_deployments(wfm, body);
  if (!body.is_object()) return bad_request("body must be a JSON object");
  if (name == "fail-next") return fail_next(wfm, body);
  if (name == "manifest-version") return set_manifest_version(wfm, body);
  if (name == "down") {
    const auto down = body.find("down");
    if (down == body.end() || !down->is_boolean()) return bad_request("'down' must be a boolean");
    wfm.set_down(down->get<bool>());
    return applied();
  }
  const auto policy_name = body.find("policy");
  const auto policy = policy_name != body.end() && policy_name->is_string()
                          ? onboarding_policy_from_string(policy_name->get<std::string>())
                          : std::nullopt;
  if (!policy)
    return bad_request(
        "'policy' must be accept, reject_invalid_certificate, reject_client or reject_duplicate");
  wfm.set_onboarding_policy(*policy);
  return applied();
}

}  // namespace

bool is_admin_request(const HttpRequest& request) {
  const auto uri = parse_target_uri(request.url);
  return uri && uri->path.substr(0, admin_prefix.size()) == admin_prefix;
}

// Every status report received, per client, in arrival order: the state and the body as sent.
json status_reports_json(const FakeWfm& wfm) {
  json reports = json::array();
  for (const auto& client : wfm.client_ids())
    for (const auto& report : wfm.status_reports(client)) {
      json body = json::parse(report.body, nullptr, false);
      reports.push_back({{"clientId", client},
                         {"deploymentId", report.deployment_id},
                         {"state", report.state},
                         {"body", body.is_discarded() ? json(report.body) : body}});
    }
  return reports;
}

HttpResponse handle_admin_request(FakeWfm& wfm, const HttpRequest& request) {
  const auto uri = parse_target_uri(request.url);
  if (!uri || uri->path.substr(0, admin_prefix.size()) != admin_prefix)
    return error_response(404, "Not found");
  const std::string_view name = std::string_view(uri->path).substr(admin_prefix.size());

  if (name == "exchanges" || name == "stats" || name == "status-reports") {
    if (request.method != "GET") return error_response(405, "Method not allowed");
    if (name == "status-reports") return json_response(200, status_reports_json(wfm));
    return json_response(200, name == "stats" ? wfm.stats_json() : wfm.exchanges_json());
  }
  if (name != "fail-next" && name != "down" && name != "onboarding-policy" && name != "deployments" &&
      name != "manifest-version")
    return error_response(404, "Not found");
  if (request.method != "POST") return error_response(405, "Method not allowed");
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return bad_request("body is not JSON");
  return change(wfm, name, body);
}

}  // namespace margo::fake
