#pragma once
// Byte encodings and hashes for the fake WFM, done with OpenSSL directly so the fake shares no code
// with the agent it checks.

#include <optional>
#include <string>
#include <string_view>

namespace margo::fake {

std::string base64_encode(std::string_view bytes);
// Standard alphabet. Missing "=" padding is tolerated (RFC 8941 asks parsers not to insist on it);
// anything else outside the alphabet, or padding in the middle, gives nullopt.
std::optional<std::string> base64_decode(std::string_view text);
std::string hex_lower(std::string_view bytes);
std::string sha256_bytes(std::string_view data);
std::string sha512_bytes(std::string_view data);
// "sha256:<64 lowercase hex>", the Margo digest string.
std::string margo_digest(std::string_view data);

}  // namespace margo::fake
