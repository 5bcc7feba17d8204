#pragma once
// When the agent may talk to the WFM (checklist 4 and 5): inside the polling hours, if any are set,
// and outside every downtime window. Windows are daily, in minutes of the day of the device's local
// time or of UTC, and may cross midnight ("22:00-06:00"). The local time comes from an injected UTC
// offset (the real one in production, a fixed one in simulation), so the core stays deterministic.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/result.hpp"

namespace margo {

// [start, end) in minutes of the day; start > end crosses midnight. Never empty.
struct DailyWindow {
  int start_minute = 0;
  int end_minute = 0;
  bool contains(int minute_of_day) const;
  bool operator==(const DailyWindow&) const = default;
};

// "HH:MM-HH:MM" (24-hour clock). window.invalid (permanent) naming what is wrong.
Result<DailyWindow> parse_daily_window(std::string_view text);

struct CommunicationPolicy {
  std::optional<DailyWindow> polling_hours;  // none: any time
  std::vector<DailyWindow> downtimes;
  // Local time minus UTC at a moment; null: the windows are in UTC.
  std::function<Duration(WallTime)> utc_offset;

  bool restricted() const { return polling_hours.has_value() || !downtimes.empty(); }
  // Some minute of the day is open (checked by the config validator: a policy that never lets the
  // agent talk is a mistake).
  bool ever_open() const;
};

class CommunicationWindows {
 public:
  explicit CommunicationWindows(CommunicationPolicy policy) : policy_(std::move(policy)) {}

  bool restricted() const { return policy_.restricted(); }
  bool open(WallTime now) const;
  bool in_downtime(WallTime now) const;
  // How long from `now` until talking is allowed again; zero when it is.
  Duration until_open(WallTime now) const;

 private:
  int local_minute(WallTime now) const;
  bool open_at_minute(int minute) const;

  CommunicationPolicy policy_;
};

}  // namespace margo
