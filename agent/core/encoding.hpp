#pragma once
// Byte encodings and hashes used across the agent: base64 (RFC 4648), lowercase hex, SHA-256.

#include <optional>
#include <string>
#include <string_view>

namespace margo {

std::string base64_encode(std::string_view bytes);
// nullopt for anything that is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);
std::string hex_encode(std::string_view bytes);
// Raw 32-byte SHA-256 digest.
std::string sha256(std::string_view bytes);
std::string sha256_hex(std::string_view bytes);

}  // namespace margo
