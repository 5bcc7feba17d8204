#include "agent/wfm/wfm_client.hpp"

#include <nlohmann/json.hpp>

#include "agent/core/encoding.hpp"
#include "agent/wfm/http_errors.hpp"

namespace margo {
namespace {

constexpr std::size_t kMaxSmallResponseBytes = 1024 * 1024;

bool is_success(int status, std::initializer_list<int> accepted) {
  for (const int code : accepted)
    if (status == code) return true;
  return false;
}

std::string pem_certificate(std::string_view der) {
  const std::string encoded = base64_encode(der);
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  for (std::size_t i = 0; i < encoded.size(); i += 64) pem += encoded.substr(i, 64) + "\n";
  pem += "-----END CERTIFICATE-----\n";
  return pem;
}

// The path of an absolute URL, without its query (which may carry tokens).
std::string path_of(const std::string& url) {
  const auto authority = url.find("://");
  const auto path = authority == std::string::npos ? 0 : url.find('/', authority + 3);
  if (path == std::string::npos) return "/";
  return url.substr(path, url.find('?', path) - path);
}

}  // namespace

Result<std::unique_ptr<WfmClient>> WfmClient::create(Executor& executor, HttpClient& http,
                                                     WfmClientOptions options, RequestSigner* signer,
                                                     OAuthTokenProvider* tokens, Logger logger) {
  auto base = parse_base_url(options.sbi_url);
  if (!base) return base.error().with_context("wfm.sbiUrl");
  return std::unique_ptr<WfmClient>(new WfmClient(executor, http, std::move(options), ProfileAPaths(*base),
                                                  signer, tokens, std::move(logger)));
}

WfmClient::WfmClient(Executor& executor, HttpClient& http, WfmClientOptions options, ProfileAPaths paths,
                     RequestSigner* signer, OAuthTokenProvider* tokens, Logger logger)
    : executor_(executor),
      http_(http),
      options_(std::move(options)),
      paths_(std::move(paths)),
      signer_(signer),
      tokens_(tokens),
      logger_(std::move(logger)) {}

HttpRequest WfmClient::make_request(std::string method, std::string url, Duration timeout) const {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.timeout = timeout;
  request.max_response_bytes = kMaxSmallResponseBytes;
  return request;
}

Status WfmClient::require_client_id(std::string_view operation) const {
  if (client_id_.empty())
    return permanent_error("wfm.not_onboarded", std::string(operation) + ": no clientId (not onboarded yet)");
  return {};
}

void WfmClient::exchange(Exchange exchange, Callback<HttpResponse> done, bool token_refreshed) {
  if (tokens_ == nullptr) {
    send_signed(std::move(exchange), std::move(done), token_refreshed);
    return;
  }
  tokens_->get_token(lifetime_.guard([this, exchange = std::move(exchange), done = std::move(done),
                                      token_refreshed](Result<std::string> token) mutable {
    if (!token) {
      done(token.error().with_context(exchange.operation));
      return;
    }
    exchange.request.headers.set("Authorization", "Bearer " + *token);
    send_signed(std::move(exchange), std::move(done), token_refreshed);
  }));
}

void WfmClient::send_signed(Exchange exchange, Callback<HttpResponse> done, bool token_refreshed) {
  HttpRequest request = exchange.request;
  if (signer_ != nullptr && exchange.sign) {
    if (auto signed_ok = signer_->sign(request, exchange.key_id, unix_seconds(executor_.wall_now()));
        !signed_ok) {
      const Error error = signed_ok.error().with_context(exchange.operation + ": signing");
      executor_.post([done = std::move(done), error] { done(error); });
      return;
    }
  }
  const MonoTime started = executor_.now();
  // Guarded: the client may be gone when the answer comes (the simulator cuts the power mid-flight).
  http_.send(std::move(request), lifetime_.guard([this, exchange = std::move(exchange),
                                                  done = std::move(done), token_refreshed,
                                                  started](Result<HttpResponse> response) mutable {
    if (logger_.enabled(LogLevel::debug)) log_exchange(exchange.request, response, executor_.now() - started);
    if (!response) {
      done(response.error().with_context(exchange.operation));
      return;
    }
    if (response->status == 401 && tokens_ != nullptr && !token_refreshed) {
      logger_.info("WFM refused the bearer token; fetching a new one", {{"operation", exchange.operation}});
      tokens_->invalidate();
      exchange.request.headers.remove("Authorization");
      this->exchange(std::move(exchange), std::move(done), true);
      return;
    }
    done(std::move(response));
  }));
}

void WfmClient::log_exchange(const HttpRequest& request, const Result<HttpResponse>& response,
                             Duration took) const {
  std::vector<LogField> fields{{"method", request.method}, {"path", path_of(request.url)}};
  if (response)
    fields.push_back({"status", std::to_string(response->status)});
  else
    fields.push_back({"error", response.error().code});
  fields.push_back({"durationMs", std::to_string(took.count())});
  logger_.debug("wfm exchange", std::move(fields));
}

void WfmClient::fetch_root_ca(Callback<std::string> done) {
  Exchange call{make_request("GET", paths_.onboarding_certificate(), options_.request_timeout),
                "root CA download",
                /*sign=*/false, ""};
  call.request.headers.set("Accept", "application/json");
  exchange(std::move(call), [this, done = std::move(done)](Result<HttpResponse> response) {
    if (!response) return done(response.error());
    if (response->status != 200)
      return done(error_from_response(*response, "root CA download", executor_.wall_now()));
    const auto json = nlohmann::json::parse(response->body, nullptr, false);
    const auto field = json.is_object() ? json.find("certificate") : json.end();
    if (field == json.end() || !field->is_string())
      return done(
          permanent_error("wfm.bad_response", "root CA download: no 'certificate' string in the response"));
    const auto decoded = base64_decode(field->get<std::string>());
    if (!decoded || decoded->empty())
      return done(permanent_error("wfm.bad_response", "root CA download: 'certificate' is not base64"));
    // The spec leaves open whether the base64 wraps PEM or DER; accept both, hand on PEM.
    if (decoded->rfind("-----BEGIN", 0) == 0) return done(*decoded);
    done(pem_certificate(*decoded));
  });
}

void WfmClient::onboard(Callback<std::string> done) {
  Exchange call{make_request("POST", paths_.onboarding(), options_.request_timeout), "onboarding", true,
                options_.onboarding_key_id};
  call.request.headers.set("Content-Type", "application/json");
  call.request.headers.set("Accept", "application/json");
  call.request.body = nlohmann::json{{"apiVersion", "onboarding.margo.org/v1alpha1"},
                                     {"kind", "OnboardingRequest"},
                                     {"certificate", base64_encode(options_.certificate_der)}}
                          .dump();
  exchange(std::move(call), [this, done = std::move(done)](Result<HttpResponse> response) {
    if (!response) return done(response.error());
    if (!is_success(response->status, {200, 201}))
      return done(error_from_response(*response, "onboarding", executor_.wall_now()));
    const auto json = nlohmann::json::parse(response->body, nullptr, false);
    const auto field = json.is_object() ? json.find("clientId") : json.end();
    if (field == json.end() || !field->is_string())
      return done(permanent_error("wfm.bad_response", "onboarding: no 'clientId' string in the response"));
    const std::string client_id = field->get<std::string>();
    if (client_id.size() > 128 || !is_safe_path_segment(client_id))
      return done(permanent_error(
          "wfm.bad_response", "onboarding: clientId is not a URL-safe identifier of at most 128 characters"));
    done(client_id);
  });
}

void WfmClient::report_capabilities(bool first_report, const std::string& manifest_json,
                                    Callback<void> done) {
  if (auto ready = require_client_id("capabilities report"); !ready) {
    executor_.post([done = std::move(done), error = ready.error()] { done(error); });
    return;
  }
  Exchange call{
      make_request(first_report ? "POST" : "PUT", paths_.capabilities(client_id_), options_.request_timeout),
      "capabilities report", true, client_id_};
  call.request.headers.set("Content-Type", "application/json");
  call.request.body = manifest_json;
  exchange(std::move(call), [this, done = std::move(done)](Result<HttpResponse> response) {
    if (!response) return done(response.error());
    if (!is_success(response->status, {200, 201, 204}))
      return done(error_from_response(*response, "capabilities report", executor_.wall_now()));
    done({});
  });
}

void WfmClient::fetch_manifest(const std::optional<std::string>& etag, Callback<ManifestFetch> done) {
  if (auto ready = require_client_id("manifest poll"); !ready) {
    executor_.post([done = std::move(done), error = ready.error()] { done(error); });
    return;
  }
  Exchange call{make_request("GET", paths_.deployments(client_id_), options_.request_timeout),
                "manifest poll", true, client_id_};
  call.request.max_response_bytes = options_.max_manifest_bytes;
  call.request.headers.set("Accept", std::string(kManifestMediaType));
  if (etag && !etag->empty()) call.request.headers.set("If-None-Match", *etag);
  exchange(std::move(call), [this, done = std::move(done)](Result<HttpResponse> response) {
    if (!response) return done(response.error());
    ManifestFetch fetch;
    if (response->status == 304) {
      fetch.not_modified = true;
      return done(std::move(fetch));
    }
    if (response->status != 200)
      return done(error_from_response(*response, "manifest poll", executor_.wall_now()));
    fetch.etag = response->headers.get("ETag").value_or("");
    fetch.content_type = response->headers.get("Content-Type").value_or("");
    fetch.body = std::move(response->body);
    done(std::move(fetch));
  });
}

void WfmClient::fetch_artifact(const std::string& url, std::size_t max_bytes, Callback<std::string> done) {
  auto target = paths_.artifact(url);
  if (!target) {
    executor_.post([done = std::move(done), error = target.error()] { done(error); });
    return;
  }
  Exchange call{make_request("GET", *target, options_.artifact_timeout), "artifact download", true,
                client_id_};
  call.request.max_response_bytes = max_bytes;
  exchange(std::move(call), [this, done = std::move(done)](Result<HttpResponse> response) {
    if (!response) return done(response.error());
    if (response->status != 200)
      return done(error_from_response(*response, "artifact download", executor_.wall_now()));
    done(std::move(response->body));
  });
}

void WfmClient::post_status(const std::string& deployment_id, const std::string& status_json,
                            Callback<void> done) {
  if (auto ready = require_client_id("status report"); !ready) {
    executor_.post([done = std::move(done), error = ready.error()] { done(error); });
    return;
  }
  if (!is_safe_path_segment(deployment_id)) {
    executor_.post([done = std::move(done), deployment_id] {
      done(permanent_error("wfm.bad_deployment_id", "status report: deployment id '" + deployment_id +
                                                        "' is not a URL-safe identifier"));
    });
    return;
  }
  Exchange call{
      make_request("POST", paths_.deployment_status(client_id_, deployment_id), options_.request_timeout),
      "status report", true, client_id_};
  call.request.headers.set("Content-Type", "application/json");
  call.request.body = status_json;
  exchange(std::move(call), [this, done = std::move(done)](Result<HttpResponse> response) {
    if (!response) return done(response.error());
    if (!is_success(response->status, {200, 201, 204}))
      return done(error_from_response(*response, "status report", executor_.wall_now()));
    done({});
  });
}

}  // namespace margo
