#include <catch2/catch.hpp>

#include "agent/core/encoding.hpp"
#include "agent/wfm/oauth_token_provider.hpp"
#include "scripted_http.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/virtual_executor.hpp"

using namespace margo;
using namespace margo::test;
using namespace std::chrono_literals;

namespace {

struct Fixture {
  VirtualExecutor executor;
  RecordingLogSink logs;
  ScriptedHttp http{executor};
  OAuthTokenProvider tokens{
      executor, http,
      OAuthClientCredentials{"https://auth.example/token", "device 1", "s3cr3t:&=", "wfm.read"},
      Logger(logs, executor, LogLevel::debug, "oauth")};
  int issued = 0;

  Fixture() {
    http.respond = [this](const HttpRequest&) {
      ++issued;
      return Result<HttpResponse>(response(200, R"({"access_token":"tok-)" + std::to_string(issued) +
                                                    R"(","token_type":"Bearer","expires_in":600})"));
    };
  }

  Result<std::string> token() {
    std::optional<Result<std::string>> result;
    tokens.get_token([&](Result<std::string> value) { result.emplace(std::move(value)); });
    executor.run_until_idle();
    REQUIRE(result.has_value());
    return std::move(*result);
  }
};

}  // namespace

TEST_CASE("client-credentials request: Basic auth with form-encoded id and secret, scope in the body") {
  Fixture fixture;
  auto token = fixture.token();
  REQUIRE(token.ok());
  CHECK(*token == "tok-1");
  const auto& request = fixture.http.requests.at(0);
  CHECK(request.method == "POST");
  CHECK(request.url == "https://auth.example/token");
  CHECK(request.body == "grant_type=client_credentials&scope=wfm.read");
  CHECK(request.headers.get("Authorization") ==
        std::optional<std::string>("Basic " + base64_encode("device+1:s3cr3t%3A%26%3D")));
}

TEST_CASE("tokens are cached until shortly before expiry, and concurrent callers share one request") {
  Fixture fixture;
  int answered = 0;
  for (int i = 0; i < 3; ++i)
    fixture.tokens.get_token([&](Result<std::string> token) { answered += token.ok(); });
  fixture.executor.run_until_idle();
  CHECK(answered == 3);
  CHECK(fixture.tokens.token_requests() == 1);

  fixture.executor.run_for(530s);  // 600 s lifetime, refreshed 60 s early
  CHECK(*fixture.token() == "tok-1");
  fixture.executor.run_for(20s);
  CHECK(*fixture.token() == "tok-2");
  fixture.tokens.invalidate();
  CHECK(*fixture.token() == "tok-3");
}

TEST_CASE("bad token responses are errors, bad credentials a security error; the secret is never logged") {
  Fixture fixture;
  for (const char* body :
       {"{}", R"({"access_token":"x","token_type":"mac"})", "garbage", R"({"access_token":""})"}) {
    INFO(body);
    fixture.http.respond = [body](const HttpRequest&) { return Result<HttpResponse>(response(200, body)); };
    CHECK_FALSE(fixture.token().ok());
  }
  fixture.http.respond = [](const HttpRequest&) {
    return Result<HttpResponse>(response(401, R"({"error":"invalid_client"})"));
  };
  auto refused = fixture.token();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().error_class == ErrorClass::security);
  for (const auto& record : fixture.logs.records()) {
    CHECK(record.message.find("s3cr3t") == std::string::npos);
    for (const auto& field : record.fields) CHECK(field.value.find("s3cr3t") == std::string::npos);
  }
  CHECK(refused.error().message.find("s3cr3t") == std::string::npos);
}
