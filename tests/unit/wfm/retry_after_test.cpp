#include <catch2/catch.hpp>

#include "agent/wfm/http_errors.hpp"

using namespace margo;
using namespace std::chrono_literals;

TEST_CASE("Retry-After accepts delta-seconds and IMF-fixdate, rejects the rest") {
  const WallTime now = std::chrono::sys_days(std::chrono::year(1994) / 11 / 6) + 8h + 49min + 0s;
  CHECK(parse_retry_after("120", now) == std::optional<Duration>(120s));
  CHECK(parse_retry_after(" 0 ", now) == std::optional<Duration>(0s));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now) == std::optional<Duration>(37s));
  CHECK(parse_retry_after("Sun, 06 Nov 1994 08:48:00 GMT", now) == std::optional<Duration>(0s));  // past
  for (const char* bad :
       {"", "-5", "soon", "12abc", "Sun, 06 Nov 1994 08:49:37", "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "99999999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(parse_retry_after(bad, now).has_value());
  }
}
