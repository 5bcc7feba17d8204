#pragma once
// RFC 9530 Content-Digest checking: sha-256 and sha-512 are understood, other algorithms are ignored,
// and every understood one present must match the body bytes exactly.

#include <string>
#include <string_view>

#include "agent/ports/http_client.hpp"
#include "agent/ports/result.hpp"

namespace margo::fake {

// Errors: digest.missing (no Content-Digest field), digest.malformed (not a dictionary, or an
// understood algorithm whose value is not a byte sequence), digest.unsupported (no understood
// algorithm), digest.mismatch (an understood algorithm disagrees with the body).
Status verify_content_digest(const HttpHeaders& headers, std::string_view body);

// "sha-256=:<base64>:", what a client is expected to send.
std::string content_digest_sha256(std::string_view body);

}  // namespace margo::fake
