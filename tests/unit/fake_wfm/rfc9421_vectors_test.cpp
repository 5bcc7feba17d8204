#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "fakes/wfm/content_digest.hpp"
#include "fakes/wfm/signature_verifier.hpp"

using namespace margo;
using namespace margo::fake;

// RFC 9421 appendix B.2 examples (files in tests/data/rfc9421, described in its README.md).

namespace {

std::string read_vector(const std::string& name) {
  std::ifstream stream(std::string(MARGO_SOURCE_ROOT) + "/tests/data/rfc9421/" + name, std::ios::binary);
  REQUIRE(stream.good());
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

struct ParsedMessage {
  std::string start_line;
  HttpHeaders headers;
  std::string body;
};

// The .http files: a start line, header lines, an empty line, the body (LF line endings).
ParsedMessage parse_http(const std::string& text) {
  ParsedMessage message;
  std::size_t position = text.find('\n');
  message.start_line = text.substr(0, position);
  while (true) {
    const std::size_t start = position + 1;
    position = text.find('\n', start);
    const std::string line = text.substr(start, position - start);
    if (line.empty()) break;
    const std::size_t colon = line.find(':');
    message.headers.add(line.substr(0, colon), line.substr(colon + 2));
  }
  message.body = text.substr(position + 1);
  return message;
}

HttpRequest rfc_request(const std::string& example) {
  const ParsedMessage parsed = parse_http(read_vector("test-request.http"));
  HttpRequest request;
  request.method = parsed.start_line.substr(0, parsed.start_line.find(' '));
  const std::size_t target_start = parsed.start_line.find(' ') + 1;
  const std::string target =
      parsed.start_line.substr(target_start, parsed.start_line.rfind(' ') - target_start);
  request.url = "https://" + *parsed.headers.get("Host") + target;
  request.headers = parsed.headers;
  request.headers.set("Signature-Input", read_vector(example + ".signature-input.txt"));
  request.headers.set("Signature", read_vector(example + ".signature.txt"));
  request.body = parsed.body;
  return request;
}

SignedMessage rfc_response(const std::string& example) {
  const ParsedMessage parsed = parse_http(read_vector("test-response.http"));
  HttpHeaders headers = parsed.headers;
  headers.set("Signature-Input", read_vector(example + ".signature-input.txt"));
  headers.set("Signature", read_vector(example + ".signature.txt"));
  return SignedMessage::of_response(std::stoi(parsed.start_line.substr(9, 3)), headers);
}

PublicKey rfc_key(const std::string& name) {
  auto key = public_key_from_pem(read_vector(name + ".public.pem"));
  REQUIRE(key.ok());
  return *key;
}

// The examples cover other components than the Margo profile and were created in 2021.
SignaturePolicy relaxed_policy(const std::string& keyid) {
  SignaturePolicy policy;
  policy.required_components.clear();
  policy.expected_keyid = keyid;
  return policy;
}

std::string rebuilt_base(const SignedMessage& message) {
  auto inputs = sf::parse_dictionary(*message.headers.get("Signature-Input"));
  REQUIRE(inputs.ok());
  auto base = build_signature_base(message, std::get<sf::InnerList>(inputs->front().second));
  REQUIRE(base.ok());
  return *base;
}

}  // namespace

TEST_CASE("RFC 9421 B.2.1-B.2.3: bases match byte for byte and rsa-pss-sha512 signatures verify") {
  const PublicKey key = rfc_key("test-key-rsa-pss");
  for (const std::string example : {"b2.1", "b2.2", "b2.3"}) {
    INFO(example);
    const SignedMessage message = SignedMessage::of_request(rfc_request(example));
    CHECK(rebuilt_base(message) == read_vector(example + ".signature-base.txt"));
    const auto verified = verify_message_signature(message, key, relaxed_policy("test-key-rsa-pss"));
    INFO((verified.ok() ? std::string() : verified.error().message));
    REQUIRE(verified.ok());
    CHECK(verified->algorithm == "rsa-pss-sha512");
    CHECK(verified->created == std::optional<std::int64_t>(1618884473));
  }
}

TEST_CASE("RFC 9421 B.2.4: the response base matches and the ecdsa-p256-sha256 signature verifies") {
  const SignedMessage message = rfc_response("b2.4");
  CHECK(rebuilt_base(message) == read_vector("b2.4.signature-base.txt"));
  const auto verified =
      verify_message_signature(message, rfc_key("test-key-ecc-p256"), relaxed_policy("test-key-ecc-p256"));
  INFO((verified.ok() ? std::string() : verified.error().message));
  REQUIRE(verified.ok());
  CHECK(verified->algorithm == "ecdsa-p256-sha256");
}

TEST_CASE("RFC 9421 examples: the RFC messages carry correct Content-Digest values") {
  const auto request = rfc_request("b2.3");
  CHECK(verify_content_digest(request.headers, request.body).ok());
  CHECK_FALSE(verify_content_digest(request.headers, request.body + " ").ok());
}

TEST_CASE("RFC 9421 examples: altered messages and swapped signatures fail") {
  const PublicKey rsa = rfc_key("test-key-rsa-pss");
  auto altered = rfc_request("b2.3");
  altered.headers.set("Date", "Tue, 20 Apr 2021 02:07:56 GMT");
  CHECK_FALSE(
      verify_message_signature(SignedMessage::of_request(altered), rsa, relaxed_policy("test-key-rsa-pss"))
          .ok());

  auto other_query = rfc_request("b2.2");
  other_query.url = "https://example.com/foo?param=Value&Pet=cat";
  CHECK_FALSE(verify_message_signature(SignedMessage::of_request(other_query), rsa,
                                       relaxed_policy("test-key-rsa-pss"))
                  .ok());

  auto swapped = rfc_request("b2.3");
  swapped.headers.set("Signature", "sig-b23=" + read_vector("b2.2.signature.txt").substr(8));
  CHECK_FALSE(
      verify_message_signature(SignedMessage::of_request(swapped), rsa, relaxed_policy("test-key-rsa-pss"))
          .ok());

  // The right signature under the wrong key type.
  const auto wrong_key =
      verify_message_signature(SignedMessage::of_request(rfc_request("b2.1")), rfc_key("test-key-ecc-p256"),
                               relaxed_policy("test-key-rsa-pss"));
  CHECK_FALSE(wrong_key.ok());
}

TEST_CASE("RFC 9421 examples: the Margo policy refuses them (components, created window)") {
  SignaturePolicy margo_policy;
  margo_policy.now = WallTime(std::chrono::seconds(1618884473 + 3600));
  const auto verified = verify_message_signature(SignedMessage::of_request(rfc_request("b2.3")),
                                                 rfc_key("test-key-rsa-pss"), margo_policy);
  REQUIRE_FALSE(verified.ok());
  CHECK(verified.error().code == "signature.policy");
}
