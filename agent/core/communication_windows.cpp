#include "agent/core/communication_windows.hpp"

#include <algorithm>

namespace margo {
namespace {

constexpr int kMinutesPerDay = 24 * 60;

Error invalid_window(std::string_view text, const std::string& reason) {
  return permanent_error("window.invalid", "'" + std::string(text.substr(0, 40)) + "': " + reason);
}

// "HH:MM" to minutes of the day.
std::optional<int> parse_clock(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (const std::size_t at : {0u, 1u, 3u, 4u})
    if (text[at] < '0' || text[at] > '9') return std::nullopt;
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

}  // namespace

bool DailyWindow::contains(int minute_of_day) const {
  if (start_minute < end_minute) return minute_of_day >= start_minute && minute_of_day < end_minute;
  return minute_of_day >= start_minute || minute_of_day < end_minute;
}

Result<DailyWindow> parse_daily_window(std::string_view text) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return invalid_window(text, "expected HH:MM-HH:MM, e.g. 22:00-06:00");
  const auto start = parse_clock(text.substr(0, dash));
  const auto end = parse_clock(text.substr(dash + 1));
  if (!start || !end)
    return invalid_window(text, "expected HH:MM-HH:MM with a 24-hour clock, e.g. 22:00-06:00");
  if (*start == *end)
    return invalid_window(text, "start and end are the same: the window would be empty (or all day)");
  return DailyWindow{*start, *end};
}

bool CommunicationPolicy::ever_open() const {
  CommunicationWindows windows(*this);
  for (int minute = 0; minute < kMinutesPerDay; ++minute) {
    const bool in_hours = !polling_hours || polling_hours->contains(minute);
    const bool down = std::any_of(downtimes.begin(), downtimes.end(),
                                  [&](const DailyWindow& window) { return window.contains(minute); });
    if (in_hours && !down) return true;
  }
  return false;
}

int CommunicationWindows::local_minute(WallTime now) const {
  const WallTime local = policy_.utc_offset ? now + policy_.utc_offset(now) : now;
  const auto minutes = std::chrono::floor<std::chrono::minutes>(local.time_since_epoch()).count();
  return static_cast<int>(((minutes % kMinutesPerDay) + kMinutesPerDay) % kMinutesPerDay);
}

bool CommunicationWindows::open_at_minute(int minute) const {
  if (policy_.polling_hours && !policy_.polling_hours->contains(minute)) return false;
  return std::none_of(policy_.downtimes.begin(), policy_.downtimes.end(),
                      [&](const DailyWindow& window) { return window.contains(minute); });
}

bool CommunicationWindows::open(WallTime now) const {
  return !restricted() || open_at_minute(local_minute(now));
}

bool CommunicationWindows::in_downtime(WallTime now) const {
  const int minute = local_minute(now);
  return std::any_of(policy_.downtimes.begin(), policy_.downtimes.end(),
                     [&](const DailyWindow& window) { return window.contains(minute); });
}

Duration CommunicationWindows::until_open(WallTime now) const {
  if (open(now)) return Duration::zero();
  // Windows change at whole local minutes; step minute by minute (the offset may change on the way).
  WallTime next = std::chrono::ceil<std::chrono::minutes>(now);
  if (next == now) next += std::chrono::minutes(1);
  for (int step = 0; step <= 2 * kMinutesPerDay; ++step, next += std::chrono::minutes(1))
    if (open(next)) return next - now;
  return std::chrono::hours(24);  // never open: the config validator refuses such a policy
}

}  // namespace margo
