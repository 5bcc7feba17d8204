#include <catch2/catch.hpp>

#include "agent/adapters/http/url.hpp"

using margo::parse_url;

TEST_CASE("URLs split into origin, authority and target as written", "[url]") {
  SECTION("default port") {
    const auto url = parse_url("https://WFM.example.com/api/v1/clients?x=1");
    REQUIRE(url.ok());
    CHECK(url->scheme == "https");
    CHECK(url->host == "wfm.example.com");
    CHECK(url->port == 443);
    CHECK(url->authority == "WFM.example.com");
    CHECK(url->target == "/api/v1/clients?x=1");
    CHECK(url->origin() == "https://wfm.example.com:443");
    CHECK(url->without_query() == "https://WFM.example.com/api/v1/clients");
  }
  SECTION("explicit port, plain http") {
    const auto url = parse_url("HTTP://127.0.0.1:8080");
    REQUIRE(url.ok());
    CHECK(url->scheme == "http");
    CHECK(url->port == 8080);
    CHECK(url->authority == "127.0.0.1:8080");
    CHECK(url->target == "/");
  }
  SECTION("IPv6 literal") {
    const auto url = parse_url("https://[::1]:9443/a%20b");
    REQUIRE(url.ok());
    CHECK(url->host == "::1");
    CHECK(url->ipv6_literal());
    CHECK(url->port == 9443);
    CHECK(url->authority == "[::1]:9443");
    CHECK(url->target == "/a%20b");
    CHECK(url->origin() == "https://[::1]:9443");
  }
  SECTION("query without a path") {
    const auto url = parse_url("https://h?q=1");
    REQUIRE(url.ok());
    CHECK(url->target == "/?q=1");
  }
}

TEST_CASE("malformed URLs fail with http.bad_url naming the URL without its query", "[url]") {
  const std::string text =
      GENERATE(as<std::string>{}, "", "wfm.example/api", "ftp://wfm.example/", "https://", "https:///path",
               "https://user:pw@wfm.example/", "https://wfm.example:0/", "https://wfm.example:65536/",
               "https://wfm.example:12a/", "https://wfm.example:/", "https://[::1/", "https://[zz::1]/",
               "https://[::1]x/", "https://wfm example/", "https://wfm.example/a b",
               "https://wfm.example/a#frag", "https://wfm.example/\x01", "https://wfm.example/caf\xc3\xa9");
  const auto url = parse_url(text + "?token=secret");
  REQUIRE_FALSE(url.ok());
  CHECK(url.error().code == "http.bad_url");
  CHECK(url.error().error_class == margo::ErrorClass::permanent);
  CHECK(url.error().message.find("secret") == std::string::npos);
}
