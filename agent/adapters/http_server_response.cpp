// The bytes of one response, framed like Go's net/http (see http_server_connection.hpp).

#include <boost/beast/http/status.hpp>

#include <cstdio>
#include <ctime>
#include <string_view>

#include "agent/adapters/http_server_connection.hpp"

namespace margo::http_server_internal {
namespace {

namespace http = boost::beast::http;

std::string reason_phrase(int status) {
  const auto text = http::obsolete_reason(static_cast<http::status>(status));
  if (text.empty() || text.front() == '<')
    return "status code " + std::to_string(status);  // "<unknown-status>"
  return std::string(text.data(), text.size());
}

// RFC 9110 IMF-fixdate, independent of the locale: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string imf_fixdate(std::time_t now) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[40];
  std::snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday % 7],
                utc.tm_mday, kMonths[utc.tm_mon % 12], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return text;
}

// A CR or LF in a value would end the field early (response splitting); like Go, they become spaces.
std::string field_value(std::string_view value) {
  std::string out(value);
  for (char& c : out)
    if (c == '\r' || c == '\n') c = ' ';
  return out;
}

bool is_framing_field(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection");
}

}  // namespace

bool asks_to_close(const HttpHeaders& headers) {
  for (const HttpHeader& field : headers) {
    if (!iequals(field.name, "Connection")) continue;
    std::string_view list = field.value;
    while (!list.empty()) {
      const auto comma = list.find(',');
      std::string_view token = list.substr(0, comma);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
      if (iequals(token, "close")) return true;
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
  return false;
}

HttpResponse error_response(int status) {
  HttpResponse response;
  response.status = status;
  response.headers.set("Content-Type", "text/plain; charset=utf-8");
  response.body = std::to_string(status) + " " + reason_phrase(status);
  return response;
}

std::string frame_response(const HttpResponse& response, const ResponseFraming& framing) {
  const int status = response.status;
  const bool bodiless = status / 100 == 1 || status == 204 || status == 304;
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  bool has_date = false;
  for (const HttpHeader& field : response.headers) {
    if (is_framing_field(field.name) || !is_http_token(field.name)) continue;
    // RFC 9110 15.4.5: a 304 is metadata of a representation the client has; Go drops its Content-Type.
    if (status == 304 && iequals(field.name, "Content-Type")) continue;
    if (iequals(field.name, "Date")) has_date = true;
    out += field.name + ": " + field_value(field.value) + "\r\n";
  }
  if (!has_date) out += "Date: " + imf_fixdate(std::time(nullptr)) + "\r\n";
  if (!bodiless) out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  if (framing.close) {
    out += "Connection: close\r\n";
  } else if (framing.keep_alive_1_0) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!bodiless && !framing.head_request) out += response.body;
  return out;
}

}  // namespace margo::http_server_internal
