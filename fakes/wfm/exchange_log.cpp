#include "fakes/wfm/exchange_log.hpp"

namespace margo::fake {

std::string outcome::failed(std::string_view reason) {
  return "failed: " + std::string(reason);
}

std::string_view outcome::category(std::string_view outcome) {
  return outcome.substr(0, 7) == "failed:" ? std::string_view("failed") : outcome;
}

void ExchangeLog::record(Exchange exchange) {
  exchange.sequence = exchanges_.size() + 1;
  RouteCounters& counters = counters_[exchange.route];
  ++counters.requests;
  ++counters.statuses[exchange.status];
  ++counters.digest_outcomes[std::string(outcome::category(exchange.digest_outcome))];
  ++counters.signature_outcomes[std::string(outcome::category(exchange.signature_outcome))];
  exchanges_.push_back(std::move(exchange));
}

nlohmann::json to_json(const Exchange& exchange) {
  return {
      {"sequence", exchange.sequence},
      {"wallTimeMs", exchange.wall_time.time_since_epoch().count()},
      {"method", exchange.method},
      {"path", exchange.path},
      {"route", to_string(exchange.route)},
      {"clientId", exchange.client_id},
      {"status", exchange.status},
      {"requestBytes", exchange.request_bytes},
      {"responseBytes", exchange.response_bytes},
      {"digest", exchange.digest_outcome},
      {"signature", exchange.signature_outcome},
      {"ifNoneMatch", exchange.if_none_match ? nlohmann::json(*exchange.if_none_match) : nlohmann::json()},
      {"etag", exchange.etag},
  };
}

nlohmann::json ExchangeLog::exchanges_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& exchange : exchanges_) list.push_back(to_json(exchange));
  return list;
}

nlohmann::json ExchangeLog::stats_json() const {
  nlohmann::json routes = nlohmann::json::object();
  for (const auto& [route_class, counters] : counters_) {
    nlohmann::json statuses = nlohmann::json::object();
    for (const auto& [status, count] : counters.statuses) statuses[std::to_string(status)] = count;
    routes[std::string(to_string(route_class))] = {
        {"requests", counters.requests},
        {"statuses", statuses},
        {"digest", counters.digest_outcomes},
        {"signature", counters.signature_outcomes},
    };
  }
  return {{"exchanges", exchanges_.size()}, {"routes", routes}};
}

}  // namespace margo::fake
