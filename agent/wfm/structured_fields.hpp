#pragma once
// RFC 8941 (Structured Field Values) serialisation, the parts RFC 9421 signature metadata needs.

#include <cstdint>
#include <string>
#include <string_view>

#include "agent/ports/result.hpp"

namespace margo {

// sf-string: DQUOTE, printable ASCII with \ and " escaped, DQUOTE. Anything outside 0x20-0x7E is an
// error (sf.bad_string) naming `what`.
Result<std::string> serialize_sf_string(std::string_view value, std::string_view what);
// sf-integer: at most 15 decimal digits (sf.bad_integer otherwise).
Result<std::string> serialize_sf_integer(std::int64_t value, std::string_view what);
// sf-binary: ":" base64 ":".
std::string serialize_sf_byte_sequence(std::string_view bytes);
// key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )
bool is_sf_key(std::string_view key);

}  // namespace margo
