// RFC 9530 Content-Digest with SHA-256.

#include <catch2/catch.hpp>

#include "agent/wfm/content_digest.hpp"

namespace margo {

TEST_CASE("Content-Digest of the RFC 9530 example body", "[content_digest]") {
  CHECK(content_digest_sha256("{\"hello\": \"world\"}") ==
        "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
}

TEST_CASE("Content-Digest of the empty body and of binary bodies", "[content_digest]") {
  // SHA-256("") = e3b0c442...b855 (FIPS 180-2), in base64.
  CHECK(content_digest_sha256("") == "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  // SHA-256("abc") = ba7816bf...15ad (FIPS 180-2 example).
  CHECK(content_digest_sha256("abc") == "sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:");
  CHECK(content_digest_sha256(std::string("a\0b", 3)) != content_digest_sha256("ab"));
}

}  // namespace margo
