// RFC 9421 signature bases: the RFC's own B.2 bases byte for byte, each derived component, and the
// errors for what cannot be signed.

#include <catch2/catch.hpp>

#include "agent/wfm/signature_base.hpp"
#include "test_support.hpp"

namespace margo::test {
namespace {

struct ParsedRequest {
  std::string method;
  std::string target_uri;
  HttpHeaders headers;
};

// tests/data/rfc9421/test-request.http, sent over HTTPS as the RFC examples assume.
ParsedRequest rfc_test_request() {
  const std::string text = rfc9421_file("test-request.http");
  ParsedRequest request;
  std::size_t line_start = 0;
  std::string request_target;
  for (bool first = true;; first = false) {
    const std::size_t line_end = text.find('\n', line_start);
    const std::string line = text.substr(line_start, line_end - line_start);
    line_start = line_end + 1;
    if (line.empty()) break;
    if (first) {
      request.method = line.substr(0, line.find(' '));
      request_target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
      continue;
    }
    const std::size_t colon = line.find(':');
    request.headers.add(line.substr(0, colon), line.substr(line.find_first_not_of(' ', colon + 1)));
  }
  request.target_uri = "https://" + *request.headers.get("host") + request_target;
  return request;
}

Result<SignatureBase> base_for(const ParsedRequest& request, SignatureInput input) {
  return build_signature_base(RequestView{request.method, request.target_uri, request.headers}, input);
}

Result<SignatureBase> base_for(std::string_view method, std::string_view uri, const HttpHeaders& headers,
                               SignatureInput input) {
  return build_signature_base(RequestView{method, uri, headers}, input);
}

std::string signature_params_of(std::string_view section) {
  const std::string input = rfc9421_file(std::string(section) + ".signature-input.txt");
  return input.substr(input.find('=') + 1);
}

ComponentIdentifier component(std::string name) {
  return {std::move(name), std::nullopt};
}

// The one line a single component produces.
std::string line_for(std::string_view uri, const ComponentIdentifier& identifier,
                     const HttpHeaders& headers = HttpHeaders()) {
  auto base = base_for("GET", uri, headers, {{identifier}, {}});
  REQUIRE(base.ok());
  return base->base.substr(0, base->base.find('\n'));
}

std::string error_code(const Result<SignatureBase>& result) {
  return result.ok() ? "ok" : result.error().code;
}

constexpr std::int64_t kSignatureCreated = 1618884473;

}  // namespace

TEST_CASE("B.2.1: the minimal base (no components, nonce) matches the RFC", "[signature_base][rfc9421]") {
  auto base = base_for(rfc_test_request(), {{},
                                            {{"created", kSignatureCreated},
                                             {"keyid", std::string("test-key-rsa-pss")},
                                             {"nonce", std::string("b3k2pp5k7z-50gnwp.yemd")}}});
  REQUIRE(base.ok());
  CHECK(base->base == rfc9421_file("b2.1.signature-base.txt"));
  CHECK(base->signature_params == signature_params_of("b2.1"));
}

TEST_CASE("B.2.2: selective components with @query-param and tag match the RFC",
          "[signature_base][rfc9421]") {
  auto base = base_for(rfc_test_request(), {{component("@authority"), component("content-digest"),
                                             ComponentIdentifier::query_param("Pet")},
                                            {{"created", kSignatureCreated},
                                             {"keyid", std::string("test-key-rsa-pss")},
                                             {"tag", std::string("header-example")}}});
  REQUIRE(base.ok());
  CHECK(base->base == rfc9421_file("b2.2.signature-base.txt"));
  CHECK(base->signature_params == signature_params_of("b2.2"));
}

TEST_CASE("B.2.3: full coverage matches the RFC", "[signature_base][rfc9421]") {
  auto base = base_for(rfc_test_request(),
                       {{component("date"), component("@method"), component("@path"), component("@query"),
                         component("@authority"), component("content-type"), component("content-digest"),
                         component("content-length")},
                        {{"created", kSignatureCreated}, {"keyid", std::string("test-key-rsa-pss")}}});
  REQUIRE(base.ok());
  CHECK(base->base == rfc9421_file("b2.3.signature-base.txt"));
  CHECK(base->signature_params == signature_params_of("b2.3"));
}

TEST_CASE("Derived components follow RFC 9421 section 2.2", "[signature_base]") {
  const std::string uri = "https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman";
  CHECK(line_for(uri, component("@method")) == "\"@method\": GET");
  CHECK(line_for(uri, component("@target-uri")) == "\"@target-uri\": " + uri);
  CHECK(line_for(uri, component("@authority")) == "\"@authority\": www.example.com");
  CHECK(line_for(uri, component("@scheme")) == "\"@scheme\": https");
  CHECK(line_for(uri, component("@path")) == "\"@path\": /path");
  CHECK(line_for(uri, component("@query")) == "\"@query\": ?param=value&foo=bar&baz=bat%2Dman");
  CHECK(line_for(uri, component("@request-target")) ==
        "\"@request-target\": /path?param=value&foo=bar&baz=bat%2Dman");

  SECTION("authority: host lowercased, default port dropped, other ports kept") {
    CHECK(line_for("HTTPS://WWW.Example.COM:443/x", component("@authority")) ==
          "\"@authority\": www.example.com");
    CHECK(line_for("HTTPS://WWW.Example.COM:443/x", component("@scheme")) == "\"@scheme\": https");
    CHECK(line_for("http://example.com:80/x", component("@authority")) == "\"@authority\": example.com");
    CHECK(line_for("https://example.com:8443/x", component("@authority")) ==
          "\"@authority\": example.com:8443");
    CHECK(line_for("https://[::1]:8443/x", component("@authority")) == "\"@authority\": [::1]:8443");
    CHECK(line_for("https://[::1]:443/x", component("@authority")) == "\"@authority\": [::1]");
  }
  SECTION("empty path and absent query") {
    CHECK(line_for("https://example.com", component("@path")) == "\"@path\": /");
    CHECK(line_for("https://example.com", component("@query")) == "\"@query\": ?");
    CHECK(line_for("https://example.com", component("@request-target")) == "\"@request-target\": /");
    CHECK(line_for("https://example.com?queryString", component("@query")) == "\"@query\": ?queryString");
    CHECK(line_for("https://example.com?queryString", component("@path")) == "\"@path\": /");
  }
  SECTION("@target-uri is the URI exactly as given, not normalised") {
    CHECK(line_for("https://Example.com:443/a%2fb?x=1", component("@target-uri")) ==
          "\"@target-uri\": https://Example.com:443/a%2fb?x=1");
  }
}

TEST_CASE("@query-param decodes and re-encodes as RFC 9421 2.2.8 shows", "[signature_base]") {
  const std::string uri =
      "https://www.example.com/"
      "parameters?var=this%20is%20a%20big%0Amultiline%20value&bar=with+plus+whitespace"
      "&fa%C3%A7ade%22%3A%20=something";
  auto base = base_for("GET", uri, HttpHeaders(),
                       {{ComponentIdentifier::query_param("var"), ComponentIdentifier::query_param("bar"),
                         ComponentIdentifier::query_param("fa%C3%A7ade%22%3A%20")},
                        {}});
  REQUIRE(base.ok());
  CHECK(base->base ==
        "\"@query-param\";name=\"var\": this%20is%20a%20big%0Amultiline%20value\n"
        "\"@query-param\";name=\"bar\": with%20plus%20whitespace\n"
        "\"@query-param\";name=\"fa%C3%A7ade%22%3A%20\": something\n"
        "\"@signature-params\": (\"@query-param\";name=\"var\" \"@query-param\";name=\"bar\" "
        "\"@query-param\";name=\"fa%C3%A7ade%22%3A%20\")");

  SECTION("empty values and the RFC's baz/qux/param example") {
    const std::string example = "https://www.example.com/path?param=value&foo=bar&baz=batman&qux=";
    CHECK(line_for(example, ComponentIdentifier::query_param("baz")) ==
          "\"@query-param\";name=\"baz\": batman");
    CHECK(line_for(example, ComponentIdentifier::query_param("qux")) == "\"@query-param\";name=\"qux\": ");
    CHECK(line_for(example, ComponentIdentifier::query_param("param")) ==
          "\"@query-param\";name=\"param\": value");
  }
  SECTION("a name that is absent or repeated is an error") {
    auto missing = base_for("GET", "https://a.example/?x=1", HttpHeaders(),
                            {{ComponentIdentifier::query_param("y")}, {}});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == "signing.component_missing");
    CHECK_THAT(missing.error().message, Catch::Contains("'y'"));
    auto repeated = base_for("GET", "https://a.example/?x=1&x=2", HttpHeaders(),
                             {{ComponentIdentifier::query_param("x")}, {}});
    REQUIRE_FALSE(repeated.ok());
    CHECK(repeated.error().code == "signing.bad_component");
    CHECK_THAT(repeated.error().message, Catch::Contains("more than once"));
  }
}

TEST_CASE("Header fields: lowercase names, trimmed values, repeated fields joined", "[signature_base]") {
  HttpHeaders headers{{"Accept", "  application/json\t"}, {"X-Other", "1"}, {"ACCEPT", "*/*"}, {"Empty", ""}};
  CHECK(line_for("https://example.org/demo", component("accept"), headers) ==
        "\"accept\": application/json, */*");
  CHECK(line_for("https://example.org/demo", component("empty"), headers) == "\"empty\": ");

  SECTION("a field name that is not lowercase is rejected, not silently lowercased") {
    auto base = base_for("GET", "https://example.org/", headers, {{component("Accept")}, {}});
    REQUIRE_FALSE(base.ok());
    CHECK(base.error().code == "signing.bad_component");
    CHECK_THAT(base.error().message, Catch::Contains("'Accept'"));
  }
  SECTION("a missing field names itself") {
    auto base = base_for("GET", "https://example.org/", headers, {{component("content-digest")}, {}});
    REQUIRE_FALSE(base.ok());
    CHECK(base.error().code == "signing.component_missing");
    CHECK_THAT(base.error().message, Catch::Contains("content-digest"));
  }
  SECTION("a line break in a value cannot go into the base") {
    HttpHeaders injected{{"x-evil", "a\n\"@method\": GET"}};
    auto base = base_for("GET", "https://example.org/", injected, {{component("x-evil")}, {}});
    REQUIRE_FALSE(base.ok());
    CHECK(base.error().code == "signing.bad_value");
  }
}

TEST_CASE("Signature parameters are serialised in the order given, strings escaped", "[signature_base]") {
  auto base = base_for("GET", "https://example.org/", HttpHeaders(),
                       {{component("@method")},
                        {{"tag", std::string("t")},
                         {"keyid", std::string("a\"b\\c")},
                         {"expires", std::int64_t{20}},
                         {"created", std::int64_t{10}},
                         {"alg", std::string("ecdsa-p256-sha256")},
                         {"nonce", std::string("n")}}});
  REQUIRE(base.ok());
  CHECK(base->signature_params ==
        "(\"@method\");tag=\"t\";keyid=\"a\\\"b\\\\c\";expires=20;created=10;alg=\"ecdsa-p256-sha256\";nonce="
        "\"n\"");
  CHECK(base->base == "\"@method\": GET\n\"@signature-params\": " + base->signature_params);
}

TEST_CASE("What cannot be signed is an error naming it", "[signature_base]") {
  const HttpHeaders none;
  const std::string uri = "https://example.org/p?q=1";
  const auto code_for = [&](SignatureInput input, std::string_view target = "https://example.org/p?q=1") {
    return error_code(base_for("GET", target, none, std::move(input)));
  };
  CHECK(code_for({{component("@unknown")}, {}}) == "signing.bad_component");
  CHECK(code_for({{component("@status")}, {}}) == "signing.bad_component");
  CHECK(code_for({{component("@signature-params")}, {}}) == "signing.bad_component");
  CHECK(code_for({{component("@query-param")}, {}}) == "signing.bad_component");
  CHECK(code_for({{ComponentIdentifier{"@path", std::string("x")}}, {}}) == "signing.bad_component");
  CHECK(code_for({{component("@method"), component("@method")}, {}}) == "signing.bad_component");
  CHECK(code_for({{}, {{"bogus", std::string("x")}}}) == "signing.bad_parameter");
  CHECK(code_for({{}, {{"created", std::string("now")}}}) == "signing.bad_parameter");
  CHECK(code_for({{}, {{"keyid", std::int64_t{1}}}}) == "signing.bad_parameter");
  CHECK(code_for({{}, {{"created", std::int64_t{-1}}}}) == "signing.bad_parameter");
  CHECK(code_for({{}, {{"created", std::int64_t{1'000'000'000'000'000}}}}) == "signing.bad_parameter");
  CHECK(code_for({{}, {{"created", std::int64_t{1}}, {"created", std::int64_t{2}}}}) ==
        "signing.bad_parameter");
  CHECK(code_for({{}, {{"keyid", std::string("caf\xc3\xa9")}}}) == "signing.bad_parameter");
  CHECK(code_for({{}, {{"nonce", std::string("a\nb")}}}) == "signing.bad_parameter");

  CHECK(code_for({{component("@authority")}, {}}, "https://example.org/p#fragment") == "signing.bad_uri");
  CHECK(code_for({{component("@authority")}, {}}, "/relative") == "signing.bad_uri");
  CHECK(code_for({{component("@authority")}, {}}, "ftp://example.org/") == "signing.bad_uri");
  CHECK(code_for({{component("@authority")}, {}}, "https://user@example.org/") == "signing.bad_uri");
  CHECK(code_for({{component("@authority")}, {}}, "https://example.org:port/") == "signing.bad_uri");
  CHECK(code_for({{component("@target-uri")}, {}}, "https://example.org/a b") == "signing.bad_uri");
  CHECK(code_for({{component("@target-uri")}, {}}, "https:///nohost") == "signing.bad_uri");
  CHECK(error_code(base_for("GE T", uri, none, {{component("@method")}, {}})) == "signing.bad_value");

  auto unknown = base_for("GET", uri, none, {{component("@unknown")}, {}});
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.error().message, Catch::Contains("@unknown"));
  auto fragment = base_for("GET", "https://example.org/#x", none, {{component("@path")}, {}});
  REQUIRE_FALSE(fragment.ok());
  CHECK_THAT(fragment.error().message, Catch::Contains("https://example.org/#x"));
}

TEST_CASE("A header-only signature does not need a parseable URI", "[signature_base]") {
  HttpHeaders headers{{"Date", "Tue, 20 Apr 2021 02:07:55 GMT"}};
  auto base = base_for("GET", "", headers, {{component("date")}, {}});
  REQUIRE(base.ok());
  CHECK(base->base == "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@signature-params\": (\"date\")");
}

}  // namespace margo::test
