#pragma once
// OAuth 2.0 client-credentials tokens (RFC 6749 4.4) for WFMs that put their API behind OAuth.
// The token is cached until shortly before it expires; concurrent callers share one token request.
// The client secret goes only into the Authorization header of the token request: never logged,
// never persisted.

#include <optional>
#include <string>
#include <vector>

#include "agent/core/logger.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/http_client.hpp"

namespace margo {

struct OAuthClientCredentials {
  std::string token_url;
  std::string client_id;
  std::string client_secret;
  std::string scope;  // empty: none requested
};

class OAuthTokenProvider {
 public:
  OAuthTokenProvider(Executor& executor, HttpClient& http, OAuthClientCredentials credentials, Logger logger);

  // The current access token, fetching a new one when none is cached or it is about to expire.
  void get_token(Callback<std::string> done);
  // Forget the cached token (the WFM answered 401 with it).
  void invalidate();

  std::size_t token_requests() const { return token_requests_; }

 private:
  void request_token();
  void finish(Result<std::string> result);

  Executor& executor_;
  HttpClient& http_;
  OAuthClientCredentials credentials_;
  Logger logger_;
  std::optional<std::string> token_;
  MonoTime refresh_at_{};
  std::vector<Callback<std::string>> waiting_;
  std::size_t token_requests_ = 0;
};

}  // namespace margo
