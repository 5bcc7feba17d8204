#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "agent/core/encoding.hpp"
#include "agent/wfm/wfm_client.hpp"
#include "scripted_http.hpp"
#include "sim/adapters/recording_log_sink.hpp"
#include "sim/adapters/virtual_executor.hpp"

using namespace margo;
using namespace margo::test;
using namespace std::chrono_literals;

namespace {

class RecordingSigner final : public RequestSigner {
 public:
  Status sign(HttpRequest& request, std::string_view key_id, std::int64_t created) override {
    key_ids.emplace_back(key_id);
    created_times.push_back(created);
    request.headers.set("Signature", "sig1=:test:");
    return {};
  }
  std::vector<std::string> key_ids;
  std::vector<std::int64_t> created_times;
};

struct WfmFixture {
  VirtualExecutor executor;
  RecordingLogSink logs;
  ScriptedHttp http{executor};
  RecordingSigner signer;
  std::unique_ptr<WfmClient> client;

  explicit WfmFixture(std::string sbi_url = "https://wfm.example:8443/v1alpha2/margo/", bool sign = true) {
    WfmClientOptions options;
    options.sbi_url = std::move(sbi_url);
    options.certificate_der = std::string("\x30\x82\x01\x00", 4);
    options.onboarding_key_id = "abcdef";
    auto created = WfmClient::create(executor, http, options, sign ? &signer : nullptr, nullptr,
                                     Logger(logs, executor, LogLevel::debug, "wfm"));
    REQUIRE(created.ok());
    client = std::move(created).value();
  }

  template <typename T>
  Result<T> await(std::function<void(Callback<T>)> call) {
    std::optional<Result<T>> result;
    call([&](Result<T> value) { result.emplace(std::move(value)); });
    CHECK_FALSE(result.has_value());  // never inline
    executor.run_until_idle();
    REQUIRE(result.has_value());
    return std::move(*result);
  }
};

}  // namespace

TEST_CASE("onboarding posts the base64 DER certificate, signed with the public-key key id") {
  WfmFixture fixture;
  fixture.http.respond = [](const HttpRequest&) {
    return Result<HttpResponse>(response(201, R"({"clientId":"c-1"})"));
  };
  auto client_id = fixture.await<std::string>([&](auto done) { fixture.client->onboard(done); });
  REQUIRE(client_id.ok());
  CHECK(*client_id == "c-1");

  REQUIRE(fixture.http.requests.size() == 1);
  const auto& request = fixture.http.requests[0];
  CHECK(request.method == "POST");
  CHECK(request.url == "https://wfm.example:8443/v1alpha2/margo/api/v1/onboarding");
  const auto body = nlohmann::json::parse(request.body);
  CHECK(body["kind"] == "OnboardingRequest");
  CHECK(body["apiVersion"] == "onboarding.margo.org/v1alpha1");
  CHECK(base64_decode(body["certificate"].get<std::string>()) == std::string("\x30\x82\x01\x00", 4));
  CHECK(request.headers.get("Content-Type") == std::optional<std::string>("application/json"));
  CHECK(fixture.signer.key_ids == std::vector<std::string>{"abcdef"});
  CHECK(fixture.signer.created_times[0] == unix_seconds(fixture.executor.wall_now()));
}

TEST_CASE("an unusable clientId from the WFM is refused") {
  for (const char* body : {R"({"clientId":"../../etc"})", R"({"clientId":""})", R"({"id":"x"})", "not json",
                           R"({"clientId":42})"}) {
    INFO(body);
    WfmFixture fixture;
    fixture.http.respond = [body](const HttpRequest&) { return Result<HttpResponse>(response(201, body)); };
    auto client_id = fixture.await<std::string>([&](auto done) { fixture.client->onboard(done); });
    REQUIRE_FALSE(client_id.ok());
    CHECK(client_id.error().code == "wfm.bad_response");
  }
}

TEST_CASE("WFM answers map to error classes with status, Retry-After and the WFM's words") {
  struct Case {
    int status;
    ErrorClass error_class;
  };
  for (const Case c :
       {Case{400, ErrorClass::permanent}, Case{401, ErrorClass::security}, Case{403, ErrorClass::security},
        Case{404, ErrorClass::permanent}, Case{422, ErrorClass::permanent}, Case{429, ErrorClass::retryable},
        Case{500, ErrorClass::retryable}, Case{503, ErrorClass::retryable}}) {
    INFO(c.status);
    WfmFixture fixture;
    fixture.http.respond = [&](const HttpRequest&) {
      return Result<HttpResponse>(
          response(c.status, R"({"error":"Client rejected"})", {{"Retry-After", "42"}}));
    };
    auto client_id = fixture.await<std::string>([&](auto done) { fixture.client->onboard(done); });
    REQUIRE_FALSE(client_id.ok());
    CHECK(client_id.error().http_status == c.status);
    CHECK(client_id.error().error_class == c.error_class);
    CHECK(client_id.error().retry_after == std::optional<Duration>(42s));
    CHECK_THAT(client_id.error().message, Catch::Contains("Client rejected"));
  }
}

TEST_CASE("manifest polls send Accept and If-None-Match and return 304 as not modified") {
  WfmFixture fixture;
  fixture.client->set_client_id("c-1");
  fixture.http.respond = [](const HttpRequest&) { return Result<HttpResponse>(response(304)); };
  auto fetched = fixture.await<ManifestFetch>(
      [&](auto done) { fixture.client->fetch_manifest(std::string("\"e1\""), done); });
  REQUIRE(fetched.ok());
  CHECK(fetched->not_modified);
  const auto& request = fixture.http.requests.at(0);
  CHECK(request.url == "https://wfm.example:8443/v1alpha2/margo/api/v1/clients/c-1/deployments");
  CHECK(request.headers.get("Accept") ==
        std::optional<std::string>("application/vnd.margo.manifest.v1+json"));
  CHECK(request.headers.get("If-None-Match") == std::optional<std::string>("\"e1\""));
  CHECK(fixture.signer.key_ids == std::vector<std::string>{"c-1"});
}

TEST_CASE("each exchange is logged at debug with its path, outcome and duration") {
  WfmFixture fixture;
  fixture.client->set_client_id("c-1");
  fixture.http.latency = 250ms;
  int calls = 0;
  fixture.http.respond = [&](const HttpRequest&) {
    return ++calls == 1 ? Result<HttpResponse>(response(304))
                        : Result<HttpResponse>(retryable_error("http.timeout", "no data within the timeout"));
  };
  for (int poll = 0; poll < 2; ++poll)
    (void)fixture.await<ManifestFetch>(
        [&](auto done) { fixture.client->fetch_manifest(std::nullopt, done); });

  std::vector<std::string> lines;
  for (const LogRecord& record : fixture.logs.records()) {
    if (record.message != "wfm exchange") continue;
    std::string line;
    for (const LogField& field : record.fields) line += field.key + "=" + field.value + " ";
    lines.push_back(line);
  }
  CHECK(lines ==
        std::vector<std::string>{
            "method=GET path=/v1alpha2/margo/api/v1/clients/c-1/deployments status=304 durationMs=250 ",
            "method=GET path=/v1alpha2/margo/api/v1/clients/c-1/deployments error=http.timeout "
            "durationMs=250 "});
}

TEST_CASE("a 200 manifest keeps the exact body bytes, ETag and Content-Type") {
  WfmFixture fixture;
  fixture.client->set_client_id("c-1");
  const std::string body = "{\"manifestVersion\": 1 ,\n \"bundle\":null,\"deployments\":[]}";
  fixture.http.respond = [&](const HttpRequest&) {
    return Result<HttpResponse>(response(
        200, body, {{"ETag", "\"sha256:x\""}, {"Content-Type", "application/vnd.margo.manifest.v1+json"}}));
  };
  auto fetched =
      fixture.await<ManifestFetch>([&](auto done) { fixture.client->fetch_manifest(std::nullopt, done); });
  REQUIRE(fetched.ok());
  CHECK_FALSE(fetched->not_modified);
  CHECK(fetched->body == body);
  CHECK(fetched->etag == "\"sha256:x\"");
  CHECK_FALSE(fixture.http.requests.at(0).headers.has("If-None-Match"));
}

TEST_CASE("calls that need a clientId fail cleanly before onboarding") {
  WfmFixture fixture;
  auto fetched =
      fixture.await<ManifestFetch>([&](auto done) { fixture.client->fetch_manifest(std::nullopt, done); });
  REQUIRE_FALSE(fetched.ok());
  CHECK(fetched.error().code == "wfm.not_onboarded");
  CHECK(fixture.http.requests.empty());
}

TEST_CASE("capabilities: POST first, PUT after; status reports go to the deployment's status path") {
  WfmFixture fixture;
  fixture.client->set_client_id("c-1");
  fixture.http.respond = [](const HttpRequest&) { return Result<HttpResponse>(response(201)); };
  REQUIRE(
      fixture.await<void>([&](auto done) { fixture.client->report_capabilities(true, "{}", done); }).ok());
  REQUIRE(
      fixture.await<void>([&](auto done) { fixture.client->report_capabilities(false, "{\"a\":1}", done); })
          .ok());
  REQUIRE(fixture.await<void>([&](auto done) { fixture.client->post_status("d-1", "{}", done); }).ok());
  CHECK(fixture.http.requests[0].method == "POST");
  CHECK(fixture.http.requests[1].method == "PUT");
  CHECK(fixture.http.requests[1].body == "{\"a\":1}");
  CHECK(fixture.http.requests[0].url ==
        "https://wfm.example:8443/v1alpha2/margo/api/v1/clients/c-1/capabilities");
  CHECK(fixture.http.requests[2].url ==
        "https://wfm.example:8443/v1alpha2/margo/api/v1/clients/c-1/deployments/d-1/status");

  auto bad = fixture.await<void>([&](auto done) { fixture.client->post_status("../x", "{}", done); });
  REQUIRE_FALSE(bad.ok());
  CHECK(fixture.http.requests.size() == 3);
}

TEST_CASE("artifact urls must stay on the WFM's origin") {
  WfmFixture fixture("https://wfm.example");
  fixture.client->set_client_id("c-1");
  fixture.http.respond = [](const HttpRequest&) { return Result<HttpResponse>(response(200, "bytes")); };
  auto ok = fixture.await<std::string>([&](auto done) {
    fixture.client->fetch_artifact("/api/v1/clients/c-1/bundles/sha256:ab", 1024, done);
  });
  REQUIRE(ok.ok());
  CHECK(fixture.http.requests.back().url == "https://wfm.example/api/v1/clients/c-1/bundles/sha256:ab");
  CHECK(fixture.http.requests.back().max_response_bytes == 1024);
  auto same_origin = fixture.await<std::string>(
      [&](auto done) { fixture.client->fetch_artifact("https://WFM.example:443/a/b", 1024, done); });
  CHECK(same_origin.ok());

  for (const char* bad : {"https://evil.example/a", "http://wfm.example/a", "https://wfm.example:444/a",
                          "relative/path", "/a/../../b", "/a?x=1", ""}) {
    INFO(bad);
    const auto before = fixture.http.requests.size();
    auto refused =
        fixture.await<std::string>([&](auto done) { fixture.client->fetch_artifact(bad, 1024, done); });
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().error_class == ErrorClass::security);
    CHECK(fixture.http.requests.size() == before);
  }
}

TEST_CASE("the root CA download decodes base64 DER or PEM and is not signed") {
  WfmFixture fixture;
  const std::string der("\x30\x03\x02\x01\x01", 5);
  fixture.http.respond = [&](const HttpRequest&) {
    return Result<HttpResponse>(response(200, R"({"certificate":")" + base64_encode(der) + R"("})"));
  };
  auto pem = fixture.await<std::string>([&](auto done) { fixture.client->fetch_root_ca(done); });
  REQUIRE(pem.ok());
  CHECK_THAT(*pem, Catch::StartsWith("-----BEGIN CERTIFICATE-----\n" + base64_encode(der)));
  CHECK(fixture.signer.key_ids.empty());
  CHECK(fixture.http.requests[0].url ==
        "https://wfm.example:8443/v1alpha2/margo/api/v1/onboarding/certificate");
}

TEST_CASE("with signing switched off no signature is added") {
  WfmFixture fixture("https://wfm.example", /*sign=*/false);
  fixture.client->set_client_id("c-1");
  fixture.http.respond = [](const HttpRequest&) { return Result<HttpResponse>(response(304)); };
  REQUIRE(fixture.await<ManifestFetch>([&](auto done) { fixture.client->fetch_manifest(std::nullopt, done); })
              .ok());
  CHECK_FALSE(fixture.http.requests[0].headers.has("Signature"));
}

TEST_CASE("the sbiUrl must be an absolute https URL without query") {
  VirtualExecutor executor;
  RecordingLogSink logs;
  ScriptedHttp http{executor};
  for (const char* bad :
       {"wfm.example", "ftp://wfm.example", "https://", "https://wfm.example/?q=1", "https://wfm example/"}) {
    INFO(bad);
    WfmClientOptions options;
    options.sbi_url = bad;
    CHECK_FALSE(WfmClient::create(executor, http, options, nullptr, nullptr,
                                  Logger(logs, executor, LogLevel::info, "w"))
                    .ok());
  }
}

TEST_CASE("with OAuth on, every WFM call carries the bearer token; a 401 refreshes it and retries once") {
  VirtualExecutor executor;
  RecordingLogSink logs;
  ScriptedHttp http{executor};
  OAuthTokenProvider tokens(executor, http,
                            OAuthClientCredentials{"https://auth.example/token", "id", "secret", ""},
                            Logger(logs, executor, LogLevel::debug, "oauth"));
  WfmClientOptions options;
  options.sbi_url = "https://wfm.example";
  auto client = WfmClient::create(executor, http, options, nullptr, &tokens,
                                  Logger(logs, executor, LogLevel::debug, "w"));
  REQUIRE(client.ok());
  (*client)->set_client_id("c-1");

  int issued = 0;
  int wfm_calls = 0;
  http.respond = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url == "https://auth.example/token") {
      ++issued;
      return response(200, R"({"access_token":"t)" + std::to_string(issued) + R"(","token_type":"bearer"})");
    }
    ++wfm_calls;
    // The WFM rejects the first token as expired, accepts the second.
    return response(request.headers.get("Authorization") == std::optional<std::string>("Bearer t1") ? 401
                                                                                                    : 304);
  };
  std::optional<Result<ManifestFetch>> result;
  (*client)->fetch_manifest(std::nullopt,
                            [&](Result<ManifestFetch> value) { result.emplace(std::move(value)); });
  executor.run_until_idle();
  REQUIRE(result.has_value());
  REQUIRE(result->ok());
  CHECK((*result)->not_modified);
  CHECK(issued == 2);
  CHECK(wfm_calls == 2);

  // A WFM that keeps saying 401 gets exactly one retry, not a loop.
  http.respond = [&](const HttpRequest& request) -> Result<HttpResponse> {
    if (request.url == "https://auth.example/token")
      return response(200, R"({"access_token":"t","token_type":"Bearer"})");
    ++wfm_calls;
    return response(401);
  };
  wfm_calls = 0;
  result.reset();
  (*client)->fetch_manifest(std::nullopt,
                            [&](Result<ManifestFetch> value) { result.emplace(std::move(value)); });
  executor.run_until_idle();
  REQUIRE(result.has_value());
  REQUIRE_FALSE(result->ok());
  CHECK(result->error().http_status == 401);
  CHECK(wfm_calls == 2);
}
