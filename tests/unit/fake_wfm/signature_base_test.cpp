#include <catch2/catch.hpp>

#include "fakes/wfm/signature_base.hpp"

using namespace margo;
using namespace margo::fake;

namespace {

HttpRequest request_to(std::string url) {
  HttpRequest request;
  request.method = "POST";
  request.url = std::move(url);
  return request;
}

Result<std::string> base_for(const HttpRequest& request, const std::string& signature_input) {
  auto dictionary = sf::parse_dictionary(signature_input);
  REQUIRE(dictionary.ok());
  return build_signature_base(SignedMessage::of_request(request),
                              std::get<sf::InnerList>(dictionary->front().second));
}

std::string line_of(const HttpRequest& request, const std::string& component) {
  auto base = base_for(request, "s=(" + component + ")");
  REQUIRE(base.ok());
  return base->substr(0, base->find('\n'));
}

}  // namespace

TEST_CASE("signature base: derived components of a request") {
  const auto request = request_to("https://WFM.Example.com:443/api/v1/x?a=1&b=%20c");
  CHECK(line_of(request, R"("@method")") == R"("@method": POST)");
  CHECK(line_of(request, R"("@target-uri")") ==
        R"("@target-uri": https://WFM.Example.com:443/api/v1/x?a=1&b=%20c)");
  CHECK(line_of(request, R"("@authority")") == R"("@authority": wfm.example.com)");
  CHECK(line_of(request, R"("@scheme")") == R"("@scheme": https)");
  CHECK(line_of(request, R"("@path")") == R"("@path": /api/v1/x)");
  CHECK(line_of(request, R"("@query")") == R"("@query": ?a=1&b=%20c)");
  CHECK(line_of(request, R"("@request-target")") == R"("@request-target": /api/v1/x?a=1&b=%20c)");
  CHECK(line_of(request, R"("@query-param";name="b")") == R"("@query-param";name="b": %20c)");
}

TEST_CASE("signature base: a non-default port stays in @authority and an absent query is \"?\"") {
  const auto request = request_to("https://127.0.0.1:8443/api");
  CHECK(line_of(request, R"("@authority")") == R"("@authority": 127.0.0.1:8443)");
  CHECK(line_of(request, R"("@query")") == R"("@query": ?)");
  CHECK(line_of(request, R"("@request-target")") == R"("@request-target": /api)");
}

TEST_CASE("signature base: header fields are trimmed and repeated lines joined") {
  auto request = request_to("https://wfm.example/");
  request.headers.add("X-Multi", "  one ");
  request.headers.add("x-multi", "two\t");
  CHECK(line_of(request, R"("x-multi")") == R"("x-multi": one, two)");
}

TEST_CASE("signature base: the params line ends the base without a newline") {
  auto request = request_to("https://wfm.example/p");
  request.headers.set("Content-Digest", "sha-256=:AAAA:");
  auto base = base_for(request, R"(sig1=("@method" "@target-uri" "content-digest");created=5;keyid="k")");
  REQUIRE(base.ok());
  CHECK(*base ==
        "\"@method\": POST\n"
        "\"@target-uri\": https://wfm.example/p\n"
        "\"content-digest\": sha-256=:AAAA:\n"
        "\"@signature-params\": (\"@method\" \"@target-uri\" \"content-digest\");created=5;keyid=\"k\"");
}

TEST_CASE("signature base: components that cannot be rebuilt are errors") {
  auto request = request_to("https://wfm.example/p");
  request.headers.set("Content-Digest", "x");
  request.headers.set("X-Broken", "a\r\nb");
  const char* rejected[] = {
      R"(s=("content-type"))",            // the request has no such field
      R"(s=("Content-Digest"))",          // component names are lowercase
      R"(s=("@method" "@method"))",       // listed twice
      R"(s=("@status"))",                 // a request has no status
      R"(s=("@unknown"))",                // no such derived component
      R"(s=("@signature-params"))",       // cannot cover itself
      R"(s=(method))",                    // identifiers are strings
      R"(s=("content-digest";sf))",       // unsupported parameter
      R"(s=("@query-param";name="zz"))",  // no such query parameter
      R"(s=("@query-param"))",            // needs a name
      R"(s=("x-broken"))",                // a line break would forge base lines
      R"(s=(""))",                        // empty name
  };
  for (const char* input : rejected) {
    INFO(input);
    const auto base = base_for(request, input);
    REQUIRE_FALSE(base.ok());
    CHECK(base.error().code == "signature.components");
    CHECK(base.error().error_class == ErrorClass::security);
  }
}

TEST_CASE("signature base: a response has @status but no request components") {
  auto dictionary = sf::parse_dictionary(R"(s=("@status" "content-type"))");
  REQUIRE(dictionary.ok());
  const auto message = SignedMessage::of_response(200, HttpHeaders{{"Content-Type", "application/json"}});
  const auto& list = std::get<sf::InnerList>(dictionary->front().second);
  const auto base = build_signature_base(message, list);
  REQUIRE(base.ok());
  CHECK(base->substr(0, base->find('\n')) == R"("@status": 200)");
  auto method_only = sf::parse_dictionary(R"(s=("@method"))");
  REQUIRE(method_only.ok());
  CHECK_FALSE(build_signature_base(message, std::get<sf::InnerList>(method_only->front().second)).ok());
}
