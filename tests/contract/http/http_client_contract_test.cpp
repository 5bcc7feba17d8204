// The HttpClient contract, run against the real HTTPS client and the simulated network alike.

#include <catch2/catch.hpp>

#include "tests/contract/http/http_test_bed.hpp"

using margo::HttpRequest;
using margo::HttpResponse;
using margo::testing::RealHttpTestBed;
using margo::testing::SimHttpTestBed;

namespace {

std::string every_byte_value(int repeat) {
  std::string bytes;
  for (int round = 0; round < repeat; ++round)
    for (int value = 0; value < 256; ++value) bytes.push_back(static_cast<char>(value));
  return bytes;
}

HttpRequest request_to(const std::string& url) {
  HttpRequest request;
  request.url = url;
  request.timeout = std::chrono::seconds(20);
  return request;
}

}  // namespace

TEMPLATE_TEST_CASE("method, headers and a binary body travel both ways unchanged", "[http][contract]",
                   RealHttpTestBed, SimHttpTestBed) {
  TestType bed;
  bed.serve([](const HttpRequest& request) {
    HttpResponse response{200, {}, request.body};
    response.headers.add("Content-Type", "application/octet-stream");
    response.headers.add("X-Echo-Method", request.method);
    response.headers.add("X-Echo-Url", request.url);
    response.headers.add("X-Echo-Probe", request.headers.get("X-Margo-Probe").value_or("missing"));
    response.headers.add("X-Echo-Length", std::to_string(request.body.size()));
    return response;
  });
  const std::string method = GENERATE(as<std::string>{}, "POST", "PUT", "PATCH", "DELETE");

  HttpRequest request = request_to(bed.base_url() + "/api/v1/clients/c-1/deployments?limit=5&state=all");
  request.method = method;
  request.headers.add("X-Margo-Probe", "probe value; with=params");
  request.headers.add("Content-Type", "application/octet-stream");
  request.body = every_byte_value(4);

  const auto outcome = bed.exchange(request);
  REQUIRE(outcome.result.has_value());
  REQUIRE(outcome.result->ok());
  const HttpResponse& response = outcome.result->value();
  CHECK(response.status == 200);
  CHECK(response.body == request.body);
  CHECK(response.headers.get("x-echo-method") == method);
  CHECK(response.headers.get("X-Echo-Url") == request.url);
  CHECK(response.headers.get("X-Echo-Probe") == "probe value; with=params");
  CHECK(response.headers.get("X-Echo-Length") == "1024");
}

TEMPLATE_TEST_CASE("a GET without a body reaches the handler with its query intact", "[http][contract]",
                   RealHttpTestBed, SimHttpTestBed) {
  TestType bed;
  bed.serve([](const HttpRequest& request) {
    return HttpResponse{200, {{"Content-Type", "text/plain"}}, request.method + " " + request.url};
  });
  const HttpRequest request = request_to(bed.base_url() + "/a/b%20c.yaml?digest=sha256:ab&path=%2Fx&empty=");

  const auto outcome = bed.exchange(request);
  REQUIRE(outcome.result.has_value());
  REQUIRE(outcome.result->ok());
  CHECK(outcome.result->value().body == "GET " + request.url);
}

TEMPLATE_TEST_CASE("status codes, their bodies and headers pass through", "[http][contract]", RealHttpTestBed,
                   SimHttpTestBed) {
  TestType bed;
  bed.serve([](const HttpRequest& request) {
    const int status = std::stoi(request.url.substr(request.url.rfind('/') + 1));
    HttpResponse response{status, {}, status == 304 ? "" : "status " + std::to_string(status)};
    if (status != 304) response.headers.add("Content-Type", "text/plain");
    if (status == 304) response.headers.add("ETag", "\"v7\"");
    if (status == 503) response.headers.add("Retry-After", "7");
    return response;
  });
  const int status = GENERATE(200, 201, 304, 404, 503);

  const auto outcome = bed.exchange(request_to(bed.base_url() + "/status/" + std::to_string(status)));
  REQUIRE(outcome.result.has_value());
  REQUIRE(outcome.result->ok());
  const HttpResponse& response = outcome.result->value();
  CHECK(response.status == status);
  if (status == 304) {
    CHECK(response.body.empty());
    CHECK(response.headers.get("ETag") == "\"v7\"");
  } else {
    CHECK(response.body == "status " + std::to_string(status));
  }
  if (status == 503) CHECK(response.headers.get("retry-after") == "7");
}

TEMPLATE_TEST_CASE("a body over max_response_bytes fails with http.response_too_large", "[http][contract]",
                   RealHttpTestBed, SimHttpTestBed) {
  TestType bed;
  bed.serve([](const HttpRequest&) {
    return HttpResponse{200, {{"Content-Type", "application/octet-stream"}}, std::string(64 * 1024, 'x')};
  });
  HttpRequest request = request_to(bed.base_url() + "/big");

  SECTION("one byte over the limit is refused") {
    request.max_response_bytes = 64 * 1024 - 1;
    const auto outcome = bed.exchange(request);
    REQUIRE(outcome.result.has_value());
    REQUIRE_FALSE(outcome.result->ok());
    CHECK(outcome.result->error().code == "http.response_too_large");
    CHECK(outcome.result->error().error_class == margo::ErrorClass::permanent);
  }
  SECTION("exactly the limit is accepted") {
    request.max_response_bytes = 64 * 1024;
    const auto outcome = bed.exchange(request);
    REQUIRE(outcome.result.has_value());
    REQUIRE(outcome.result->ok());
    CHECK(outcome.result->value().body.size() == 64 * 1024);
  }
}

TEMPLATE_TEST_CASE("an unreachable host fails with http.connect_failed", "[http][contract]", RealHttpTestBed,
                   SimHttpTestBed) {
  TestType bed;
  const auto outcome = bed.exchange(request_to(bed.unreachable_url()));
  REQUIRE(outcome.result.has_value());
  REQUIRE_FALSE(outcome.result->ok());
  CHECK(outcome.result->error().code == "http.connect_failed");
  CHECK(outcome.result->error().retryable());
  CHECK(outcome.result->error().message.find("/api") != std::string::npos);
}

TEMPLATE_TEST_CASE("a server that never answers fails with http.timeout", "[http][contract]", RealHttpTestBed,
                   SimHttpTestBed) {
  TestType bed;
  bed.serve_unresponsive();
  HttpRequest request = request_to(bed.base_url() + "/silent?token=secret");
  request.timeout = std::chrono::milliseconds(400);

  const auto outcome = bed.exchange(request);
  REQUIRE(outcome.result.has_value());
  REQUIRE_FALSE(outcome.result->ok());
  CHECK(outcome.result->error().code == "http.timeout");
  CHECK(outcome.result->error().retryable());
  CHECK(outcome.result->error().message.find("/silent") != std::string::npos);
  CHECK(outcome.result->error().message.find("secret") == std::string::npos);
}

TEMPLATE_TEST_CASE("completions arrive once, after send() has returned", "[http][contract]", RealHttpTestBed,
                   SimHttpTestBed) {
  TestType bed;
  bed.serve([](const HttpRequest&) { return HttpResponse{204, {}, ""}; });
  const std::string url = GENERATE(as<std::string>{}, "", "/ok", "not a url", "ftp://example/");
  const std::string full_url = url.empty() || url.front() == '/' ? bed.base_url() + url : url;

  const auto outcome = bed.exchange(request_to(full_url));
  REQUIRE(outcome.result.has_value());
  CHECK_FALSE(outcome.completed_inline);
  CHECK(outcome.completions == 1);
  if (url.empty() || url.front() == '/') {
    REQUIRE(outcome.result->ok());
    CHECK(outcome.result->value().status == 204);
  } else {
    REQUIRE_FALSE(outcome.result->ok());
    CHECK(outcome.result->error().code == "http.bad_url");
  }
}
