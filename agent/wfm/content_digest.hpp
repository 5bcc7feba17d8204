#pragma once
// RFC 9530 Content-Digest with SHA-256, the one algorithm the Margo API requires.

#include <string>
#include <string_view>

namespace margo {

// "sha-256=:<base64 of SHA-256(body)>:" (an sf-dictionary with one byte-sequence member). The empty
// body has a digest too.
std::string content_digest_sha256(std::string_view body);

}  // namespace margo
