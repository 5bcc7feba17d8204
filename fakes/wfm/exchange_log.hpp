#pragma once
// What the fake WFM saw: every exchange in arrival order, and counters per route class.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/ports/executor.hpp"
#include "fakes/wfm/route.hpp"

namespace margo::fake {

// Verification outcomes, as recorded for the digest and the signature of each exchange.
namespace outcome {
inline constexpr std::string_view verified = "verified";
inline constexpr std::string_view missing = "missing";
inline constexpr std::string_view not_required = "not required";
// The request was answered before verification: injected fault, unknown route or client, bad request.
inline constexpr std::string_view not_checked = "not checked";
std::string failed(std::string_view reason);
// The outcome without its reason: "failed" for every "failed: ...".
std::string_view category(std::string_view outcome);
}  // namespace outcome

struct Exchange {
  std::uint64_t sequence = 0;  // 1, 2, ... in arrival order
  WallTime wall_time{};
  MonoTime mono_time{};  // the WFM's clock when it arrived
  std::string method;
  std::string path;  // as sent, query included
  RouteClass route = RouteClass::unknown;
  std::string client_id;  // empty when the request names none
  int status = 0;
  std::optional<std::string> if_none_match;  // as the client sent it
  std::string etag;                          // the ETag answered, if any
  std::size_t request_bytes = 0;             // body sizes
  std::size_t response_bytes = 0;
  std::string digest_outcome = std::string(outcome::not_checked);
  std::string signature_outcome = std::string(outcome::not_checked);
};

struct RouteCounters {
  std::uint64_t requests = 0;
  std::map<int, std::uint64_t> statuses;
  std::map<std::string, std::uint64_t> digest_outcomes;     // by category
  std::map<std::string, std::uint64_t> signature_outcomes;  // by category
};

class ExchangeLog {
 public:
  // Assigns the sequence number and counts the exchange.
  void record(Exchange exchange);

  const std::vector<Exchange>& exchanges() const { return exchanges_; }
  const std::map<RouteClass, RouteCounters>& counters() const { return counters_; }

  nlohmann::json exchanges_json() const;
  nlohmann::json stats_json() const;

 private:
  std::vector<Exchange> exchanges_;
  std::map<RouteClass, RouteCounters> counters_;
};

nlohmann::json to_json(const Exchange& exchange);

}  // namespace margo::fake
