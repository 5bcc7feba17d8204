#include "agent/adapters/log_format.hpp"

#include <chrono>
#include <cstdio>
#include <set>
#include <string_view>

namespace margo {
namespace {

constexpr std::string_view kReplacementCharacter = "\\ufffd";
constexpr const char* kReservedKeys[] = {"time", "level", "component", "msg"};

// Length of the well-formed UTF-8 sequence starting at `at` (1 to 4), or 0 when it is not one:
// stray continuation bytes, overlong forms, surrogates, code points past U+10FFFF, cut-off sequences.
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t index) { return static_cast<unsigned char>(text[index]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char lowest_second = 0x80;
  unsigned char highest_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) lowest_second = 0xA0;
    if (lead == 0xED) highest_second = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) lowest_second = 0x90;
    if (lead == 0xF4) highest_second = 0x8F;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < lowest_second || byte(at + 1) > highest_second) return 0;
  for (std::size_t index = at + 2; index < at + length; ++index) {
    if ((byte(index) & 0xC0) != 0x80) return 0;
  }
  return length;
}

bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7F;
}

void append_unicode_escape(std::string& out, unsigned char c) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
  out += buffer;
}

// The body of a quoted string, shared by both formats: JSON's escapes are also understood by logfmt
// readers.
void append_escaped(std::string& out, std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    const auto c = static_cast<unsigned char>(text[at]);
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence_length(text, at);
      if (length == 0) {
        out += kReplacementCharacter;
        ++at;
      } else {
        out.append(text, at, length);
        at += length;
      }
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (is_control(c)) {
          append_unicode_escape(out, c);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++at;
  }
}

bool logfmt_needs_quotes(std::string_view value) {
  if (value.empty()) return true;
  std::size_t at = 0;
  while (at < value.size()) {
    const auto c = static_cast<unsigned char>(value[at]);
    if (c == ' ' || c == '"' || c == '=' || is_control(c)) return true;
    const std::size_t length = utf8_sequence_length(value, at);
    if (length == 0) return true;
    at += length;
  }
  return false;
}

void append_logfmt_value(std::string& out, std::string_view value) {
  if (!logfmt_needs_quotes(value)) {
    out += value;
    return;
  }
  out += '"';
  append_escaped(out, value);
  out += '"';
}

std::string logfmt_key(std::string_view key) {
  if (key.empty()) return "_";
  std::string safe(key);
  for (char& c : safe) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte >= 0x7F || c == '=' || c == '"') c = '_';
  }
  return safe;
}

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  append_escaped(out, text);
  out += '"';
}

// Gives each field a key not used before in the line.
class KeyAllocator {
 public:
  KeyAllocator() : used_(std::begin(kReservedKeys), std::end(kReservedKeys)) {}

  std::string take(std::string key) {
    while (used_.contains(key)) key = "field." + key;
    used_.insert(key);
    return key;
  }

 private:
  std::set<std::string> used_;
};

}  // namespace

std::string format_rfc3339_millis(WallTime time) {
  using namespace std::chrono;
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss<milliseconds> clock{time - day};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()), static_cast<int>(clock.subseconds().count()));
  return buffer;
}

std::string format_logfmt(const LogRecord& record) {
  std::string line = "time=" + format_rfc3339_millis(record.wall_time);
  line += " level=";
  line += to_string(record.level);
  line += " component=";
  append_logfmt_value(line, record.component);
  line += " msg=";
  append_logfmt_value(line, record.message);
  KeyAllocator keys;
  for (const auto& field : record.fields) {
    line += ' ';
    line += keys.take(logfmt_key(field.key));
    line += '=';
    append_logfmt_value(line, field.value);
  }
  return line;
}

std::string format_json_line(const LogRecord& record) {
  std::string line = "{\"time\":\"" + format_rfc3339_millis(record.wall_time) + "\",\"level\":\"";
  line += to_string(record.level);
  line += "\",\"component\":";
  append_json_string(line, record.component);
  line += ",\"msg\":";
  append_json_string(line, record.message);
  KeyAllocator keys;
  for (const auto& field : record.fields) {
    line += ',';
    append_json_string(line, keys.take(field.key));
    line += ':';
    append_json_string(line, field.value);
  }
  line += '}';
  return line;
}

std::string format_log_line(LogFormat format, const LogRecord& record) {
  switch (format) {
    case LogFormat::logfmt:
      return format_logfmt(record);
    case LogFormat::json:
      return format_json_line(record);
  }
  return format_logfmt(record);
}

}  // namespace margo
