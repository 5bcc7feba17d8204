#pragma once
// The fake Workload Fleet Manager: the device-facing Margo API, profile A (1.0.0), as one
// single-threaded request handler. It verifies what clients send with its own RFC 9421/9530 code,
// serves a desired state the test or simulation sets, injects faults on request, and records every
// exchange. Time comes only from the executor given at construction.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/ports/executor.hpp"
#include "agent/ports/http_client.hpp"
#include "agent/ports/result.hpp"
#include "fakes/wfm/client_certificate.hpp"
#include "fakes/wfm/desired_state.hpp"
#include "fakes/wfm/exchange_log.hpp"
#include "fakes/wfm/fault_plan.hpp"
#include "fakes/wfm/route.hpp"

namespace margo::fake {

struct FakeWfmOptions {
  std::string base_path;  // prefix before /api/v1, e.g. "/wfm"; "" for none
  // When false, digests and signatures are still checked and recorded, but never cause a rejection.
  bool signatures_required = true;
  Duration created_max_age = std::chrono::seconds(300);
  Duration created_max_future = std::chrono::seconds(60);
  int capabilities_status = 201;
  int status_success_status = 200;
};

enum class OnboardingPolicy {
  accept,                      // 201, the same clientId again for a known certificate
  reject_invalid_certificate,  // 400 {"error":"Invalid certificate"}
  reject_client,               // 403 {"error":"Client rejected"}
  reject_duplicate,            // 409 when that certificate has already onboarded
};

std::string_view to_string(OnboardingPolicy policy);
std::optional<OnboardingPolicy> onboarding_policy_from_string(std::string_view name);

struct CapabilitiesReport {
  std::string method;  // POST or PUT
  std::string body;
};

struct StatusReport {
  std::string deployment_id;
  std::string state;  // status.state
  std::string body;
  MonoTime received_at{};  // the WFM's clock
};

class FakeWfm {
 public:
  explicit FakeWfm(const Executor& clock, FakeWfmOptions options = {});

  // request.url is the absolute target URI as the client sent it.
  HttpResponse handle(const HttpRequest& request);

  // --- trust and onboarding
  // The root CA served by GET .../onboarding/certificate (404 until set).
  void set_root_ca_pem(std::string pem) { root_ca_pem_ = std::move(pem); }
  void set_onboarding_policy(OnboardingPolicy policy) { onboarding_policy_ = policy; }
  // Registers a client as if it had onboarded with this certificate (PEM or DER); returns its clientId.
  Result<std::string> add_client(std::string_view certificate_pem_or_der);

  // --- desired state (see DesiredStateStore)
  Status set_deployments(std::vector<DeploymentDocument> deployments);
  Status set_client_deployments(const std::string& client_id, std::vector<DeploymentDocument> deployments);
  void force_manifest_version(std::uint64_t version);
  Status force_manifest_version(const std::string& client_id, std::uint64_t version);
  std::optional<std::uint64_t> manifest_version(const std::string& client_id) const;
  DesiredStateStore& desired_state() { return desired_; }

  // --- faults
  void fail_next(const FaultSpec& spec) { faults_.fail_next(spec); }
  void set_down(bool down) { faults_.set_down(down); }
  // A WFM that labels its manifest wrongly (nullopt: the Margo manifest media type again).
  void set_manifest_content_type(std::optional<std::string> content_type) {
    manifest_content_type_ = std::move(content_type);
  }

  // --- observations
  const ExchangeLog& log() const { return log_; }
  const std::vector<Exchange>& exchanges() const { return log_.exchanges(); }
  nlohmann::json exchanges_json() const { return log_.exchanges_json(); }
  nlohmann::json stats_json() const { return log_.stats_json(); }
  std::vector<std::string> client_ids() const;
  std::vector<CapabilitiesReport> capabilities_reports(const std::string& client_id) const;
  std::vector<StatusReport> status_reports(const std::string& client_id) const;

  const FakeWfmOptions& options() const { return options_; }

 private:
  struct Client {
    ClientCertificate certificate;
    std::vector<CapabilitiesReport> capabilities;
    std::vector<StatusReport> statuses;
  };

  HttpResponse dispatch(const HttpRequest& request, Exchange& exchange);
  HttpResponse serve_route(const Route& route, const HttpRequest& request, Exchange& exchange);
  HttpResponse onboard(const HttpRequest& request, Exchange& exchange);
  // Each records its outcome in the exchange and returns the rejection, if the request gets one.
  std::optional<HttpResponse> check_digest(const HttpRequest& request, Exchange& exchange);
  std::optional<HttpResponse> check_signature(const HttpRequest& request,
                                              const ClientCertificate& certificate,
                                              const std::string& expected_keyid, Exchange& exchange);
  std::string register_client(ClientCertificate certificate);
  HttpResponse serve_manifest(const std::string& client_id, const HttpRequest& request);
  HttpResponse serve_artifact(const Route& route, const HttpRequest& request);

  const Executor& clock_;
  FakeWfmOptions options_;
  std::optional<std::string> root_ca_pem_;
  std::optional<std::string> manifest_content_type_;
  OnboardingPolicy onboarding_policy_ = OnboardingPolicy::accept;
  std::map<std::string, Client> clients_;
  DesiredStateStore desired_;
  FaultPlan faults_;
  ExchangeLog log_;
};

}  // namespace margo::fake
