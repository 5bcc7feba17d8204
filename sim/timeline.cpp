#include "sim/timeline.hpp"

#include <cstdio>

namespace margo::sim {
namespace {

bool needs_quotes(const std::string& value) {
  if (value.empty()) return true;
  for (const char c : value)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

std::string quoted(const std::string& value) {
  std::string out = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

bool same_but_time(const LogRecord& a, const LogRecord& b) {
  if (a.level != b.level || a.component != b.component || a.message != b.message) return false;
  if (a.fields.size() != b.fields.size()) return false;
  for (std::size_t i = 0; i < a.fields.size(); ++i)
    if (a.fields[i].key != b.fields[i].key || a.fields[i].value != b.fields[i].value) return false;
  return true;
}

}  // namespace

std::string format_timeline_line(const LogRecord& record) {
  const auto millis = record.mono_time.count();
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%9lld.%03llds", static_cast<long long>(millis / 1000),
                static_cast<long long>(millis % 1000));
  std::string line = stamp;
  line += "  ";
  std::string component = record.component;
  if (component.size() < 13) component.resize(13, ' ');
  line += component;
  if (record.level >= LogLevel::warn) {
    line += std::string(to_string(record.level)) + ": ";
  }
  line += record.message;
  for (const auto& field : record.fields) {
    line += "  " + field.key + "=" + (needs_quotes(field.value) ? quoted(field.value) : field.value);
  }
  return line;
}

std::string render_timeline(const std::vector<LogRecord>& records, LogLevel min_level) {
  std::string text;
  const LogRecord* run_start = nullptr;  // a run of records that differ only in time
  const LogRecord* run_last = nullptr;
  std::size_t repeats = 0;
  const auto close_run = [&] {
    if (repeats == 0) return;
    const auto millis = run_last->mono_time.count();
    text += "              ... " + std::to_string(repeats) + " more like this, the last at " +
            std::to_string(millis / 1000) + "." + std::to_string(1000 + millis % 1000).substr(1) + "s\n";
    repeats = 0;
  };
  for (const auto& record : records) {
    if (record.level < min_level) continue;
    if (run_start != nullptr && same_but_time(*run_start, record)) {
      ++repeats;
      run_last = &record;
      continue;
    }
    close_run();
    run_start = &record;
    text += format_timeline_line(record);
    text += '\n';
  }
  close_run();
  return text;
}

std::string format_minutes_seconds(Duration time) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(time).count();
  return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
}

}  // namespace margo::sim
