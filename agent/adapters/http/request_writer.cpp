#include "agent/adapters/http/request_writer.hpp"

#include <string_view>

namespace margo {
namespace {

bool is_field_value(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool method_has_content(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

Result<std::string> write_request(const HttpRequest& request, const Url& url, const std::string& user_agent) {
  const auto refuse = [&](const std::string& reason) {
    return permanent_error("http.bad_request",
                           request.method.substr(0, 16) + " " + url.without_query() + ": " + reason);
  };
  if (!is_http_token(request.method)) return refuse("the method is not a token");
  std::string wire;
  wire.reserve(256 + request.body.size());
  wire += request.method + " " + url.target + " HTTP/1.1\r\n";
  const auto add = [&wire](std::string_view name, std::string_view value) {
    wire.append(name).append(": ").append(value).append("\r\n");
  };
  if (!request.headers.has("Host")) add("Host", url.authority);
  for (const HttpHeader& field : request.headers) {
    if (!is_http_token(field.name))
      return refuse("header name '" + field.name.substr(0, 40) + "' is not a token");
    if (!is_field_value(field.value)) return refuse("header '" + field.name + "' holds CR, LF or NUL");
    if (iequals(field.name, "Content-Length") || iequals(field.name, "Transfer-Encoding")) continue;
    add(field.name, field.value);
  }
  if (!request.headers.has("User-Agent")) add("User-Agent", user_agent);
  if (!request.headers.has("Accept-Encoding")) add("Accept-Encoding", "gzip");
  if (!request.body.empty() || method_has_content(request.method))
    add("Content-Length", std::to_string(request.body.size()));
  wire += "\r\n";
  wire += request.body;
  return wire;
}

}  // namespace margo
