#pragma once
// Building the fake WFM's HTTP responses.

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/ports/http_client.hpp"

namespace margo::fake {

// dump() that never throws: invalid UTF-8 (which attacker-chosen paths can carry) becomes U+FFFD.
std::string dump_json(const nlohmann::json& value, int indent = -1);

HttpResponse json_response(int status, const nlohmann::json& body);
// {"error": error} and, when given, "detail".
HttpResponse error_response(int status, std::string_view error, std::string_view detail = {});
HttpResponse bytes_response(int status, std::string content_type, std::string body);

}  // namespace margo::fake
