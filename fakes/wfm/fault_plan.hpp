#pragma once
// Injected failures: the next N requests of a route class answered with a chosen status, or the whole
// WFM down.

#include <cstdint>
#include <deque>
#include <optional>

#include "agent/ports/http_client.hpp"
#include "fakes/wfm/route.hpp"

namespace margo::fake {

struct FaultSpec {
  std::optional<RouteClass> route;  // nullopt: any request
  std::uint32_t count = 1;
  int status = 503;
  std::optional<std::uint32_t> retry_after_seconds;
};

class FaultPlan {
 public:
  // Queued behind earlier faults; a request consumes the first pending fault that matches it.
  void fail_next(const FaultSpec& spec);
  // While down, every request gets 503.
  void set_down(bool down) { down_ = down; }
  bool down() const { return down_; }
  void clear();

  // The injected response for a request of this class, if one is due.
  std::optional<HttpResponse> take(RouteClass route_class);

 private:
  std::deque<FaultSpec> pending_;
  bool down_ = false;
};

}  // namespace margo::fake
