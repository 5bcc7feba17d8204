#include "fakes/wfm/fake_wfm.hpp"

#include "fakes/wfm/content_digest.hpp"
#include "fakes/wfm/http_negotiation.hpp"
#include "fakes/wfm/openssl_codec.hpp"
#include "fakes/wfm/payload_checks.hpp"
#include "fakes/wfm/responses.hpp"
#include "fakes/wfm/signature_verifier.hpp"
#include "fakes/wfm/target_uri.hpp"

namespace margo::fake {
namespace {

constexpr const char* manifest_media_type = "application/vnd.margo.manifest.v1+json";
constexpr const char* immutable_cache = "public, max-age=31536000, immutable";

HttpResponse empty_response(int status) {
  HttpResponse response;
  response.status = status;
  return response;
}

// 200 with the bytes, or 304 when the client already holds them; ETag either way.
HttpResponse conditional_response(const HttpRequest& request, const std::string& etag,
                                  std::string content_type, std::string body) {
  const auto if_none_match = request.headers.get("If-None-Match");
  HttpResponse response = if_none_match && if_none_match_matches(*if_none_match, etag)
                              ? empty_response(304)
                              : bytes_response(200, std::move(content_type), std::move(body));
  response.headers.set("ETag", etag);
  return response;
}

}  // namespace

std::string_view to_string(OnboardingPolicy policy) {
  switch (policy) {
    case OnboardingPolicy::accept:
      return "accept";
    case OnboardingPolicy::reject_invalid_certificate:
      return "reject_invalid_certificate";
    case OnboardingPolicy::reject_client:
      return "reject_client";
    case OnboardingPolicy::reject_duplicate:
      return "reject_duplicate";
  }
  return "accept";
}

std::optional<OnboardingPolicy> onboarding_policy_from_string(std::string_view name) {
  for (const auto policy : {OnboardingPolicy::accept, OnboardingPolicy::reject_invalid_certificate,
                            OnboardingPolicy::reject_client, OnboardingPolicy::reject_duplicate})
    if (to_string(policy) == name) return policy;
  return std::nullopt;
}

FakeWfm::FakeWfm(const Executor& clock, FakeWfmOptions options)
    : clock_(clock), options_(std::move(options)), desired_(options_.base_path) {}

HttpResponse FakeWfm::handle(const HttpRequest& request) {
  Exchange exchange;
  exchange.wall_time = clock_.wall_now();
  exchange.mono_time = clock_.now();
  exchange.method = request.method;
  exchange.if_none_match = request.headers.get("If-None-Match");
  exchange.request_bytes = request.body.size();
  HttpResponse response = dispatch(request, exchange);
  exchange.status = response.status;
  exchange.etag = response.headers.get("ETag").value_or("");
  exchange.response_bytes = response.body.size();
  log_.record(std::move(exchange));
  return response;
}

HttpResponse FakeWfm::dispatch(const HttpRequest& request, Exchange& exchange) {
  auto uri = parse_target_uri(request.url);
  if (!uri) {
    exchange.path = request.url.substr(0, 200);
    return error_response(400, "Invalid request", uri.error().message);
  }
  exchange.path = uri->path + (uri->query ? "?" + *uri->query : "");

  std::string_view path = uri->path;
  const std::string& base = options_.base_path;
  if (path.substr(0, base.size()) != base || (path.size() > base.size() && path[base.size()] != '/'))
    return error_response(404, "Not found");
  path.remove_prefix(base.size());

  const auto route = match_route(path);
  // A WFM that is down answers everything 503; the route is still recorded, so outages show per route.
  if (faults_.down()) {
    if (route) exchange.route = route->route_class;
    return *faults_.take(exchange.route);
  }
  if (!route) return error_response(404, "Not found");
  exchange.route = route->route_class;
  exchange.client_id = route->client_id;
  if (!route->allows(request.method)) {
    HttpResponse response = error_response(405, "Method not allowed");
    response.headers.set("Allow", route->allowed_methods);
    return response;
  }
  if (auto fault = faults_.take(route->route_class)) return *fault;
  return serve_route(*route, request, exchange);
}

HttpResponse FakeWfm::serve_route(const Route& route, const HttpRequest& request, Exchange& exchange) {
  if (route.kind == RouteKind::root_ca) {
    exchange.digest_outcome = exchange.signature_outcome = outcome::not_required;
    if (!root_ca_pem_) return error_response(404, "No root CA configured");
    return json_response(200, {{"certificate", base64_encode(*root_ca_pem_)}});
  }
  if (route.kind == RouteKind::onboarding) return onboard(request, exchange);

  const auto found = clients_.find(route.client_id);
  if (found == clients_.end()) return error_response(404, "Unknown client");
  Client& client = found->second;
  if (auto rejection = check_digest(request, exchange)) return *rejection;
  if (auto rejection = check_signature(request, client.certificate, route.client_id, exchange))
    return *rejection;

  switch (route.kind) {
    case RouteKind::capabilities: {
      if (auto status = check_capabilities_manifest(request.body); !status)
        return error_response(422, "Invalid capabilities", status.error().message);
      client.capabilities.push_back({request.method, request.body});
      return empty_response(options_.capabilities_status);
    }
    case RouteKind::manifest:
      return serve_manifest(route.client_id, request);
    case RouteKind::deployment_yaml:
    case RouteKind::bundle:
      return serve_artifact(route, request);
    case RouteKind::deployment_status: {
      auto state = check_status_manifest(request.body, route.deployment_id);
      if (!state) return error_response(422, "Invalid status", state.error().message);
      client.statuses.push_back({route.deployment_id, std::move(*state), request.body, clock_.now()});
      return empty_response(options_.status_success_status);
    }
    default:
      return error_response(404, "Not found");
  }
}

HttpResponse FakeWfm::onboard(const HttpRequest& request, Exchange& exchange) {
  if (auto rejection = check_digest(request, exchange)) return *rejection;
  auto certificate_text = onboarding_certificate_field(request.body);
  if (!certificate_text) return error_response(400, "Invalid request", certificate_text.error().message);
  auto certificate = parse_onboarding_certificate(*certificate_text);
  if (!certificate) return error_response(400, "Invalid certificate", certificate.error().message);
  exchange.client_id = certificate->client_id;
  if (onboarding_policy_ == OnboardingPolicy::reject_invalid_certificate)
    return error_response(400, "Invalid certificate");
  if (auto rejection = check_signature(request, *certificate, certificate->key_id, exchange))
    return *rejection;
  if (onboarding_policy_ == OnboardingPolicy::reject_client) return error_response(403, "Client rejected");
  const bool known = clients_.count(certificate->client_id) > 0;
  if (known && onboarding_policy_ == OnboardingPolicy::reject_duplicate)
    return error_response(409, "Client already onboarded");
  const std::string client_id = register_client(std::move(*certificate));
  return json_response(201, {{"clientId", client_id}});
}

std::optional<HttpResponse> FakeWfm::check_digest(const HttpRequest& request, Exchange& exchange) {
  const auto status = verify_content_digest(request.headers, request.body);
  if (status) {
    exchange.digest_outcome = outcome::verified;
    return std::nullopt;
  }
  const bool missing = status.error().code == "digest.missing";
  if (!options_.signatures_required) {
    exchange.digest_outcome =
        missing ? std::string(outcome::not_required) : outcome::failed(status.error().message);
    return std::nullopt;
  }
  exchange.digest_outcome = missing ? std::string(outcome::missing) : outcome::failed(status.error().message);
  return error_response(400, "invalid-digest-header", status.error().message);
}

std::optional<HttpResponse> FakeWfm::check_signature(const HttpRequest& request,
                                                     const ClientCertificate& certificate,
                                                     const std::string& expected_keyid, Exchange& exchange) {
  SignaturePolicy policy;
  policy.now = clock_.wall_now();
  policy.max_age = options_.created_max_age;
  policy.max_future = options_.created_max_future;
  policy.expected_keyid = expected_keyid;
  const auto verified = verify_message_signature(SignedMessage::of_request(request), certificate.key, policy);
  if (verified) {
    exchange.signature_outcome = outcome::verified;
    return std::nullopt;
  }
  const bool missing = verified.error().code == "signature.missing";
  if (!options_.signatures_required) {
    exchange.signature_outcome =
        missing ? std::string(outcome::not_required) : outcome::failed(verified.error().message);
    return std::nullopt;
  }
  exchange.signature_outcome =
      missing ? std::string(outcome::missing) : outcome::failed(verified.error().message);
  return error_response(401, "Invalid signature", verified.error().message);
}

std::string FakeWfm::register_client(ClientCertificate certificate) {
  std::string client_id = certificate.client_id;
  if (clients_.count(client_id) == 0) {
    clients_.emplace(client_id, Client{std::move(certificate), {}, {}});
    desired_.add_client(client_id);
  }
  return client_id;
}

HttpResponse FakeWfm::serve_manifest(const std::string& client_id, const HttpRequest& request) {
  const auto accept = request.headers.get("Accept");
  if (accept && !accepts_media_type(*accept, manifest_media_type))
    return error_response(406, "Not acceptable",
                          std::string("only ") + manifest_media_type + " is available");
  const ManifestDocument& manifest = desired_.manifest(client_id);
  return conditional_response(request, manifest.etag, manifest_content_type_.value_or(manifest_media_type),
                              manifest.body);
}

HttpResponse FakeWfm::serve_artifact(const Route& route, const HttpRequest& request) {
  const bool is_bundle = route.kind == RouteKind::bundle;
  auto bytes =
      is_bundle ? desired_.bundle(route.digest) : desired_.deployment_yaml(route.deployment_id, route.digest);
  if (!bytes) return error_response(404, is_bundle ? "Bundle not found" : "Deployment not found");
  HttpResponse response =
      conditional_response(request, "\"" + route.digest + "\"",
                           is_bundle ? bundle_media_type : "application/yaml", std::move(*bytes));
  response.headers.set("Cache-Control", immutable_cache);
  return response;
}

Result<std::string> FakeWfm::add_client(std::string_view certificate_pem_or_der) {
  auto certificate = parse_certificate(certificate_pem_or_der);
  if (!certificate) return certificate.error();
  return register_client(std::move(*certificate));
}

Status FakeWfm::set_deployments(std::vector<DeploymentDocument> deployments) {
  return desired_.set_for_all(std::move(deployments));
}

Status FakeWfm::set_client_deployments(const std::string& client_id,
                                       std::vector<DeploymentDocument> deployments) {
  return desired_.set_for_client(client_id, std::move(deployments));
}

void FakeWfm::force_manifest_version(std::uint64_t version) {
  desired_.force_version(version);
}

Status FakeWfm::force_manifest_version(const std::string& client_id, std::uint64_t version) {
  return desired_.force_version(client_id, version);
}

std::optional<std::uint64_t> FakeWfm::manifest_version(const std::string& client_id) const {
  return desired_.manifest_version(client_id);
}

std::vector<std::string> FakeWfm::client_ids() const {
  std::vector<std::string> ids;
  for (const auto& [id, client] : clients_) ids.push_back(id);
  return ids;
}

std::vector<CapabilitiesReport> FakeWfm::capabilities_reports(const std::string& client_id) const {
  const auto found = clients_.find(client_id);
  return found == clients_.end() ? std::vector<CapabilitiesReport>{} : found->second.capabilities;
}

std::vector<StatusReport> FakeWfm::status_reports(const std::string& client_id) const {
  const auto found = clients_.find(client_id);
  return found == clients_.end() ? std::vector<StatusReport>{} : found->second.statuses;
}

}  // namespace margo::fake
