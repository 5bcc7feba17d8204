#pragma once
// The profile A (1.0.0) southbound client: builds each request (path, headers, body), adds the OAuth
// bearer token and the RFC 9421 signature when those plug-ins are on, and turns responses into
// typed results. Implements the WfmApi port the core talks through.

#include <memory>
#include <optional>
#include <string>

#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/http_client.hpp"
#include "agent/ports/wfm_api.hpp"
#include "agent/wfm/oauth_token_provider.hpp"
#include "agent/wfm/request_signer.hpp"
#include "agent/wfm/sbi_paths.hpp"

namespace margo {

inline constexpr std::string_view kManifestMediaType = "application/vnd.margo.manifest.v1+json";

struct WfmClientOptions {
  std::string sbi_url;
  std::string certificate_der;    // the device certificate presented at onboarding
  std::string onboarding_key_id;  // keyid for the onboarding signature (no clientId exists yet)
  Duration request_timeout = std::chrono::seconds(30);
  Duration artifact_timeout = std::chrono::minutes(5);
  std::size_t max_manifest_bytes = 4 * 1024 * 1024;
};

class WfmClient final : public WfmApi {
 public:
  // signer and tokens may be null (plug-in disabled); when given they must outlive the client.
  static Result<std::unique_ptr<WfmClient>> create(Executor& executor, HttpClient& http,
                                                   WfmClientOptions options, RequestSigner* signer,
                                                   OAuthTokenProvider* tokens, Logger logger);

  void set_client_id(const std::string& client_id) override { client_id_ = client_id; }
  void fetch_root_ca(Callback<std::string> done) override;
  void onboard(Callback<std::string> done) override;
  void report_capabilities(bool first_report, const std::string& manifest_json, Callback<void> done) override;
  void fetch_manifest(const std::optional<std::string>& etag, Callback<ManifestFetch> done) override;
  void fetch_artifact(const std::string& url, std::size_t max_bytes, Callback<std::string> done) override;
  void post_status(const std::string& deployment_id, const std::string& status_json,
                   Callback<void> done) override;

 private:
  WfmClient(Executor& executor, HttpClient& http, WfmClientOptions options, ProfileAPaths paths,
            RequestSigner* signer, OAuthTokenProvider* tokens, Logger logger);

  struct Exchange {
    HttpRequest request;
    std::string operation;  // for messages: "onboarding", "manifest poll"
    bool sign = true;
    std::string key_id;
  };
  // Adds the bearer token and the signature, sends, and retries once with a fresh token on 401.
  void exchange(Exchange exchange, Callback<HttpResponse> done, bool token_refreshed = false);
  void send_signed(Exchange exchange, Callback<HttpResponse> done, bool token_refreshed);
  // One debug line per exchange: method, path, status or error code, and how long it took.
  void log_exchange(const HttpRequest& request, const Result<HttpResponse>& response, Duration took) const;
  Status require_client_id(std::string_view operation) const;
  HttpRequest make_request(std::string method, std::string url, Duration timeout) const;

  Executor& executor_;
  HttpClient& http_;
  WfmClientOptions options_;
  ProfileAPaths paths_;
  RequestSigner* signer_;
  OAuthTokenProvider* tokens_;
  Logger logger_;
  std::string client_id_;
  Lifetime lifetime_;  // last: callbacks handed out are dropped once the client is gone
};

}  // namespace margo
