#pragma once
// Reading request header fields the way RFC 9110 and RFC 9421 define their values.

#include <optional>
#include <string>
#include <string_view>

#include "agent/ports/http_client.hpp"

namespace margo::fake {

// Leading and trailing spaces and tabs removed.
std::string_view trim_ows(std::string_view text);

// Every field line of that name, each trimmed, joined with ", " (RFC 9110 5.3, RFC 9421 2.1);
// nullopt when there is none.
std::optional<std::string> combined_field_value(const HttpHeaders& headers, std::string_view name);

}  // namespace margo::fake
