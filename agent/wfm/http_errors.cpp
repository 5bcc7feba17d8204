#include "agent/wfm/http_errors.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <string>

namespace margo {
namespace {

constexpr std::size_t kBodyExcerpt = 200;

bool parse_number(std::string_view text, int& out) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<WallTime> parse_imf_fixdate(std::string_view text) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") return std::nullopt;
  int day, year, hour, minute, second;
  if (!parse_number(text.substr(5, 2), day) || !parse_number(text.substr(12, 4), year) ||
      !parse_number(text.substr(17, 2), hour) || !parse_number(text.substr(20, 2), minute) ||
      !parse_number(text.substr(23, 2), second))
    return std::nullopt;
  unsigned month = 0;
  while (month < kMonths.size() && kMonths[month] != text.substr(8, 3)) ++month;
  if (month == kMonths.size() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year), std::chrono::month(month + 1),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  const auto midnight = std::chrono::sys_days(date);
  return std::chrono::time_point_cast<std::chrono::milliseconds>(midnight) + std::chrono::hours(hour) +
         std::chrono::minutes(minute) + std::chrono::seconds(second);
}

std::string printable_excerpt(std::string_view body) {
  std::string out;
  for (const char c : body.substr(0, kBodyExcerpt)) {
    out += (std::isprint(static_cast<unsigned char>(c)) != 0) ? c : ' ';
  }
  if (body.size() > kBodyExcerpt) out += "...";
  return out;
}

}  // namespace

std::optional<Duration> parse_retry_after(std::string_view value, WallTime now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (!value.empty() && std::isdigit(static_cast<unsigned char>(value.front()))) {
    long long seconds = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
    return std::chrono::seconds(seconds);
  }
  const auto date = parse_imf_fixdate(value);
  if (!date) return std::nullopt;
  return *date > now ? std::chrono::duration_cast<Duration>(*date - now) : Duration(0);
}

Error error_from_response(const HttpResponse& response, std::string_view operation, WallTime now) {
  const int status = response.status;
  ErrorClass error_class = ErrorClass::permanent;
  if (status == 408 || status == 425 || status == 429 || status >= 500) error_class = ErrorClass::retryable;
  if (status == 401 || status == 403) error_class = ErrorClass::security;

  std::string message = std::string(operation) + ": WFM answered HTTP " + std::to_string(status);
  switch (status) {
    case 400:
      message += " (bad request: Content-Digest or body rejected)";
      break;
    case 401:
      message += " (signature rejected: check the key, keyid, clock and signature base)";
      break;
    case 403:
      message += " (certificate not trusted, revoked or client rejected)";
      break;
    case 404:
      message += " (not found)";
      break;
    case 406:
      message += " (Accept type not supported)";
      break;
    case 422:
      message += " (body rejected as semantically invalid)";
      break;
    default:
      break;
  }
  if (!response.body.empty()) message += ": " + printable_excerpt(response.body);

  Error error{"wfm.http_" + std::to_string(status), message, error_class, status, std::nullopt};
  if (const auto retry_after = response.headers.get("Retry-After"))
    error.retry_after = parse_retry_after(*retry_after, now);
  return error;
}

}  // namespace margo
