#include "fakes/wfm/responses.hpp"

namespace margo::fake {

std::string dump_json(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse json_response(int status, const nlohmann::json& body) {
  return bytes_response(status, "application/json", dump_json(body));
}

HttpResponse error_response(int status, std::string_view error, std::string_view detail) {
  nlohmann::json body = {{"error", error}};
  if (!detail.empty()) body["detail"] = detail;
  return json_response(status, body);
}

HttpResponse bytes_response(int status, std::string content_type, std::string body) {
  HttpResponse response;
  response.status = status;
  response.headers.set("Content-Type", std::move(content_type));
  response.body = std::move(body);
  return response;
}

}  // namespace margo::fake
