// Log line formats: logfmt quoting and escaping, JSON lines that parse back for any input bytes,
// field keys that cannot hide the fixed ones, and the RFC 3339 time.

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <string>

#include "agent/adapters/log_format.hpp"

namespace margo {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

const WallTime kExampleTime =
    time_point_cast<milliseconds>(sys_days{year{2026} / November / 24}) + 10h + 123ms;

LogRecord record_with(std::vector<LogField> fields, std::string message = "manifest unchanged") {
  LogRecord record;
  record.level = LogLevel::info;
  record.wall_time = kExampleTime;
  record.component = "poller";
  record.message = std::move(message);
  record.fields = std::move(fields);
  return record;
}

std::string logfmt_value(const std::string& value) {
  const std::string line = format_logfmt(record_with({{"k", value}}));
  const std::string marker = " k=";
  const auto at = line.rfind(marker);
  REQUIRE(at != std::string::npos);
  return line.substr(at + marker.size());
}

nlohmann::json parse_json_line(const LogRecord& record) {
  const std::string line = format_json_line(record);
  CHECK(line.find('\n') == std::string::npos);
  const auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  REQUIRE_FALSE(parsed.is_discarded());
  REQUIRE(parsed.is_object());
  return parsed;
}

TEST_CASE("a logfmt line looks like the documented example", "[log_format][logfmt]") {
  CHECK(
      format_logfmt(record_with({{"etag", "\"abc\""}})) ==
      R"(time=2026-11-24T10:00:00.123Z level=info component=poller msg="manifest unchanged" etag="\"abc\"")");
}

TEST_CASE("logfmt quotes values only when needed", "[log_format][logfmt]") {
  CHECK(logfmt_value("plain-value_1.2") == "plain-value_1.2");
  CHECK(logfmt_value("C:\\dir") == "C:\\dir");  // a backslash alone needs no quotes
  CHECK(logfmt_value("grüße") == "grüße");
  CHECK(logfmt_value("") == R"("")");
  CHECK(logfmt_value("two words") == R"("two words")");
  CHECK(logfmt_value("a=b") == R"("a=b")");
  CHECK(logfmt_value("say \"hi\"") == R"("say \"hi\"")");
}

TEST_CASE("logfmt escapes control characters so a record stays on one line", "[log_format][logfmt]") {
  CHECK(logfmt_value("line\nbreak") == R"("line\nbreak")");
  CHECK(logfmt_value("tab\there") == R"("tab\there")");
  CHECK(logfmt_value("cr\r") == R"("cr\r")");
  CHECK(logfmt_value("back\\slash and space") == R"("back\\slash and space")");
  CHECK(logfmt_value(std::string("nul\0bell\a", 9)) == R"("nul\u0000bell\u0007")");
  CHECK(logfmt_value("del\x7f") == R"("del\u007f")");
}

TEST_CASE("logfmt replaces invalid UTF-8 with U+FFFD", "[log_format][logfmt]") {
  CHECK(logfmt_value("bad\xff") == R"("bad\ufffd")");
  CHECK(logfmt_value("cut\xe2\x82") == R"("cut\ufffd\ufffd")");
}

TEST_CASE("logfmt keys are made safe and never hide the fixed keys", "[log_format][logfmt]") {
  const std::string line =
      format_logfmt(record_with({{"bad key=\"x\"", "1"}, {"", "2"}, {"msg", "3"}, {"a", "4"}, {"a", "5"}}));
  CHECK_THAT(line, Catch::EndsWith(R"( bad_key__x_=1 _=2 field.msg=3 a=4 field.a=5)"));
  CHECK_THAT(line, Catch::Contains(R"(msg="manifest unchanged")"));
}

TEST_CASE("times are UTC RFC 3339 with milliseconds", "[log_format]") {
  CHECK(format_rfc3339_millis(kExampleTime) == "2026-11-24T10:00:00.123Z");
  CHECK(format_rfc3339_millis(WallTime{}) == "1970-01-01T00:00:00.000Z");
  CHECK(format_rfc3339_millis(time_point_cast<milliseconds>(sys_days{year{2024} / February / 29}) + 24h -
                              1ms) == "2024-02-29T23:59:59.999Z");
  CHECK(format_rfc3339_millis(WallTime{} - 1ms) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("every level has its name", "[log_format]") {
  LogRecord record = record_with({});
  for (const auto& [level, name] :
       std::vector<std::pair<LogLevel, std::string>>{{LogLevel::debug, "debug"},
                                                     {LogLevel::info, "info"},
                                                     {LogLevel::warn, "warn"},
                                                     {LogLevel::error, "error"},
                                                     {LogLevel::fatal, "fatal"}}) {
    record.level = level;
    CHECK_THAT(format_logfmt(record), Catch::Contains(" level=" + name + " "));
    CHECK(parse_json_line(record)["level"] == name);
  }
}

TEST_CASE("a JSON line holds the fixed keys first, then the fields", "[log_format][json]") {
  const std::string line = format_json_line(record_with({{"etag", "\"abc\""}, {"attempt", "3"}}));
  CHECK(
      line ==
      R"({"time":"2026-11-24T10:00:00.123Z","level":"info","component":"poller","msg":"manifest unchanged",)"
      R"("etag":"\"abc\"","attempt":"3"})");
}

TEST_CASE("JSON field keys that collide get a field. prefix", "[log_format][json]") {
  const auto parsed = parse_json_line(
      record_with({{"time", "t"}, {"level", "l"}, {"component", "c"}, {"msg", "m"}, {"x", "1"}, {"x", "2"}}));
  CHECK(parsed["time"] == "2026-11-24T10:00:00.123Z");
  CHECK(parsed["level"] == "info");
  CHECK(parsed["component"] == "poller");
  CHECK(parsed["msg"] == "manifest unchanged");
  CHECK(parsed["field.time"] == "t");
  CHECK(parsed["field.level"] == "l");
  CHECK(parsed["field.component"] == "c");
  CHECK(parsed["field.msg"] == "m");
  CHECK(parsed["x"] == "1");
  CHECK(parsed["field.x"] == "2");
  CHECK(parsed.size() == 10);
}

TEST_CASE("JSON lines round-trip every ASCII character", "[log_format][json]") {
  std::string ascii;
  for (int c = 0; c < 128; ++c) ascii += static_cast<char>(c);
  const auto parsed = parse_json_line(record_with({{ascii, ascii}}, ascii));
  CHECK(parsed["msg"] == ascii);
  CHECK(parsed[ascii] == ascii);
}

TEST_CASE("JSON lines stay valid for invalid UTF-8 anywhere", "[log_format][json]") {
  const std::string replacement = "\xef\xbf\xbd";
  struct Case {
    std::string input;
    std::string expected;
  };
  for (const auto& [input, expected] : std::vector<Case>{
           {"stray\x80", "stray" + replacement},
           {"cut off\xe2\x82", "cut off" + replacement + replacement},
           {"overlong\xc0\xaf", "overlong" + replacement + replacement},
           {"surrogate\xed\xa0\x80", "surrogate" + replacement + replacement + replacement},
           {"too high\xf4\x90\x80\x80", "too high" + replacement + replacement + replacement + replacement},
           {"\xff\xfe", replacement + replacement},
           {"valid: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "valid: \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
       }) {
    INFO(expected);
    LogRecord record = record_with({{input, input}}, input);
    record.component = input;
    const auto parsed = parse_json_line(record);
    CHECK(parsed["msg"] == expected);
    CHECK(parsed["component"] == expected);
    CHECK(parsed[expected] == expected);
  }
}

TEST_CASE("JSON lines stay valid for every byte value", "[log_format][json]") {
  std::string bytes;
  for (int c = 0; c < 256; ++c) bytes += static_cast<char>(c);
  const auto parsed = parse_json_line(record_with({{"bytes", bytes}}, bytes));
  CHECK(parsed["msg"].get<std::string>().substr(0, 128) == bytes.substr(0, 128));
}

TEST_CASE("format_log_line picks the format", "[log_format]") {
  const LogRecord record = record_with({});
  CHECK(format_log_line(LogFormat::logfmt, record) == format_logfmt(record));
  CHECK(format_log_line(LogFormat::json, record) == format_json_line(record));
}

}  // namespace
}  // namespace margo
