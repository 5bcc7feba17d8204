#include "agent/wfm/structured_fields.hpp"

#include "agent/core/encoding.hpp"

namespace margo {
namespace {

constexpr std::int64_t kMaxSfInteger = 999'999'999'999'999;

bool is_lcalpha(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

}  // namespace

Result<std::string> serialize_sf_string(std::string_view value, std::string_view what) {
  std::string out;
  out.reserve(value.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c > 0x7e) {
      return permanent_error("sf.bad_string", std::string(what) + " must be printable ASCII; byte " +
                                                  std::to_string(c) + " at offset " + std::to_string(i) +
                                                  " cannot go into a structured-field string");
    }
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<char>(c);
  }
  out += '"';
  return out;
}

Result<std::string> serialize_sf_integer(std::int64_t value, std::string_view what) {
  if (value > kMaxSfInteger || value < -kMaxSfInteger) {
    return permanent_error("sf.bad_integer", std::string(what) + " " + std::to_string(value) +
                                                 " does not fit a structured-field integer (15 digits)");
  }
  return std::to_string(value);
}

std::string serialize_sf_byte_sequence(std::string_view bytes) {
  return ':' + base64_encode(bytes) + ':';
}

bool is_sf_key(std::string_view key) {
  if (key.empty() || !(is_lcalpha(key.front()) || key.front() == '*')) return false;
  for (const char c : key.substr(1)) {
    if (!(is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' || c == '*')) return false;
  }
  return true;
}

}  // namespace margo
