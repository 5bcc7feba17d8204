#include "fakes/wfm/fault_plan.hpp"

namespace margo::fake {

void FaultPlan::fail_next(const FaultSpec& spec) {
  if (spec.count > 0) pending_.push_back(spec);
}

void FaultPlan::clear() {
  pending_.clear();
  down_ = false;
}

std::optional<HttpResponse> FaultPlan::take(RouteClass route_class) {
  HttpResponse response;
  response.headers.set("Content-Type", "application/json");
  if (down_) {
    response.status = 503;
    response.body = R"({"error":"Service unavailable"})";
    return response;
  }
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->route && *it->route != route_class) continue;
    response.status = it->status;
    response.body = R"({"error":"Injected failure"})";
    if (it->retry_after_seconds)
      response.headers.set("Retry-After", std::to_string(*it->retry_after_seconds));
    if (--it->count == 0) pending_.erase(it);
    return response;
  }
  return std::nullopt;
}

}  // namespace margo::fake
