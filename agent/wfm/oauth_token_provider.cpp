#include "agent/wfm/oauth_token_provider.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "agent/core/encoding.hpp"
#include "agent/wfm/http_errors.hpp"

namespace margo {
namespace {

constexpr std::size_t kMaxTokenResponseBytes = 64 * 1024;
constexpr Duration kDefaultLifetime = std::chrono::minutes(5);
constexpr Duration kMaxEarlyRefresh = std::chrono::seconds(60);

// application/x-www-form-urlencoded, as RFC 6749 2.3.1 requires for the Basic credentials too.
std::string form_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

}  // namespace

OAuthTokenProvider::OAuthTokenProvider(Executor& executor, HttpClient& http,
                                       OAuthClientCredentials credentials, Logger logger)
    : executor_(executor), http_(http), credentials_(std::move(credentials)), logger_(std::move(logger)) {}

void OAuthTokenProvider::get_token(Callback<std::string> done) {
  if (token_ && executor_.now() < refresh_at_) {
    executor_.post([done = std::move(done), token = *token_] { done(token); });
    return;
  }
  waiting_.push_back(std::move(done));
  if (waiting_.size() == 1) request_token();
}

void OAuthTokenProvider::invalidate() {
  token_.reset();
}

void OAuthTokenProvider::request_token() {
  ++token_requests_;
  HttpRequest request;
  request.method = "POST";
  request.url = credentials_.token_url;
  request.max_response_bytes = kMaxTokenResponseBytes;
  request.headers.set("Content-Type", "application/x-www-form-urlencoded");
  request.headers.set("Accept", "application/json");
  request.headers.set("Authorization", "Basic " + base64_encode(form_encode(credentials_.client_id) + ":" +
                                                                form_encode(credentials_.client_secret)));
  request.body = "grant_type=client_credentials";
  if (!credentials_.scope.empty()) request.body += "&scope=" + form_encode(credentials_.scope);

  const MonoTime sent_at = executor_.now();
  http_.send(std::move(request), [this, sent_at](Result<HttpResponse> response) {
    if (!response) {
      finish(response.error().with_context("OAuth token request to " + credentials_.token_url));
      return;
    }
    if (response->status != 200) {
      Error error = error_from_response(*response, "OAuth token request", executor_.wall_now());
      // Bad client credentials are an operator problem, not something a retry storm fixes.
      if (response->status == 400 || response->status == 401) error.error_class = ErrorClass::security;
      finish(error);
      return;
    }
    const auto json = nlohmann::json::parse(response->body, nullptr, false);
    const auto token = json.is_object() ? json.find("access_token") : json.end();
    const auto type = json.is_object() ? json.find("token_type") : json.end();
    if (!json.is_object() || token == json.end() || !token->is_string() ||
        token->get<std::string>().empty()) {
      finish(permanent_error("oauth.bad_response", "OAuth token response has no access_token"));
      return;
    }
    if (type == json.end() || !type->is_string() || !iequals(type->get<std::string>(), "bearer")) {
      finish(permanent_error("oauth.bad_response", "OAuth token response is not a Bearer token"));
      return;
    }
    Duration lifetime = kDefaultLifetime;
    if (const auto expires = json.find("expires_in");
        expires != json.end() && expires->is_number() && expires->get<double>() > 0) {
      lifetime = std::chrono::seconds(static_cast<long long>(expires->get<double>()));
    }
    // Refresh early (a tenth of the lifetime, at most a minute) so a token never expires in flight.
    refresh_at_ = sent_at + lifetime - std::min(kMaxEarlyRefresh, lifetime / 10);
    token_ = token->get<std::string>();
    logger_.debug("OAuth token obtained", {{"expiresInSeconds", std::to_string(lifetime.count() / 1000)}});
    finish(*token_);
  });
}

void OAuthTokenProvider::finish(Result<std::string> result) {
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& done : waiting) done(result);
}

}  // namespace margo
