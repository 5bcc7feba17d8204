#include <catch2/catch.hpp>

#include "fakes/wfm/content_digest.hpp"

using namespace margo;
using namespace margo::fake;

namespace {

const std::string body = R"({"hello": "world"})";
// RFC 9530 and RFC 9421 examples for this body.
const std::string sha256_value = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
const std::string sha512_value =
    "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:";

HttpHeaders with_digest(const std::string& value) {
  return HttpHeaders{{"Content-Digest", value}};
}

std::string code_of(const Status& status) {
  return status.ok() ? "ok" : status.error().code;
}

}  // namespace

TEST_CASE("content digest: RFC examples verify, alone and together") {
  CHECK(code_of(verify_content_digest(with_digest(sha256_value), body)) == "ok");
  CHECK(code_of(verify_content_digest(with_digest(sha512_value), body)) == "ok");
  CHECK(code_of(verify_content_digest(with_digest(sha256_value + ", " + sha512_value), body)) == "ok");
  CHECK(content_digest_sha256(body) == sha256_value);
}

TEST_CASE("content digest: the empty body of a GET has a digest too") {
  CHECK(code_of(verify_content_digest(with_digest("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"),
                                      "")) == "ok");
  CHECK(code_of(verify_content_digest(with_digest(sha256_value), "")) == "digest.mismatch");
}

TEST_CASE("content digest: a changed body or a wrong entry is a mismatch") {
  CHECK(code_of(verify_content_digest(with_digest(sha256_value), body + " ")) == "digest.mismatch");
  // Every understood algorithm must match, not just one of them.
  CHECK(code_of(verify_content_digest(with_digest(sha256_value + ", sha-512=:AAAA:"), body)) ==
        "digest.mismatch");
}

TEST_CASE("content digest: unsupported algorithms are ignored but cannot stand alone") {
  CHECK(code_of(verify_content_digest(with_digest("md5=:AAAA:, " + sha256_value), body)) == "ok");
  CHECK(code_of(verify_content_digest(with_digest("md5=:AAAA:, unixsum=?1"), body)) == "digest.unsupported");
}

TEST_CASE("content digest: missing and malformed fields are named") {
  CHECK(code_of(verify_content_digest(HttpHeaders{}, body)) == "digest.missing");
  CHECK(code_of(verify_content_digest(with_digest("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="),
                                      body)) == "digest.malformed");
  CHECK(code_of(verify_content_digest(with_digest("sha-256=\"X48E\""), body)) == "digest.malformed");
  CHECK(code_of(verify_content_digest(with_digest(sha256_value + ",,"), body)) == "digest.malformed");
  const auto status = verify_content_digest(with_digest("sha-256=:not base64!:"), body);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().message.find("Content-Digest") != std::string::npos);
}

TEST_CASE("content digest: several field lines are combined") {
  HttpHeaders headers{{"Content-Digest", "md5=:AAAA:"}, {"content-digest", sha256_value}};
  CHECK(code_of(verify_content_digest(headers, body)) == "ok");
}
