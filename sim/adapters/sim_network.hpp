#pragma once
// The simulator's HttpClient: requests travel to in-process request handlers (the fake WFM) over a
// virtual network with latency, loss, partitions and injected failures. Every fault and every delay
// is drawn from the Random port and every completion runs on the executor, so a seed replays a run.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/ports/http_client.hpp"
#include "agent/ports/random.hpp"

namespace margo {

// One direction of a link is a "leg": the request leg to the host, the response leg back.
struct LinkProfile {
  Duration min_latency{1};  // per leg, uniform in [min_latency, max_latency]
  Duration max_latency{10};
  double loss_probability = 0.0;  // per leg; a lost leg ends in http.timeout at the request's timeout
};

struct NetworkCounters {
  std::uint64_t requests_sent = 0;       // every send() with a valid URL
  std::uint64_t requests_delivered = 0;  // reached a handler
  std::uint64_t requests_failed = 0;     // completed with an error
  // Approximate HTTP/1.1 wire sizes: start line, headers (Host and Content-Length added when absent),
  // CRLFs and body. Response bytes count every response a handler produced, lost ones included.
  std::uint64_t request_bytes = 0;
  std::uint64_t response_bytes = 0;
};

class SimNetwork final : public HttpClient {
 public:
  using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;

  SimNetwork(Executor& executor, Random& random);
  // Deliveries and completions still queued on the executor are dropped.
  ~SimNetwork() override;
  SimNetwork(const SimNetwork&) = delete;
  SimNetwork& operator=(const SimNetwork&) = delete;

  // "https://host[:port]" (no path), lower-cased, with the scheme's default port filled in:
  // "https://WFM.example" -> "https://wfm.example:443". Fails with sim.bad_origin.
  static Result<std::string> normalise_origin(std::string_view origin);

  // Serves the origin with the handler (replacing an earlier one). The handler gets the request as
  // sent, url included.
  Status add_host(std::string_view origin, RequestHandler handler);
  // The link used by origins without a link of their own.
  void set_default_link(LinkProfile link);
  Status set_link(std::string_view origin, LinkProfile link);
  // While partitioned, requests to the origin fail with http.connect_failed after a round trip.
  Status set_partitioned(std::string_view origin, bool partitioned);
  // The next `count` requests to the origin fail with `error` after a round trip, without reaching
  // the handler.
  Status inject_failure(std::string_view origin, std::size_t count, Error error);

  const NetworkCounters& counters() const { return counters_; }

  void send(HttpRequest request, Callback<HttpResponse> done) override;

 private:
  struct Site {
    RequestHandler handler;  // empty: nobody serves this origin
    std::optional<LinkProfile> link;
    bool partitioned = false;
    std::deque<Error> injected_failures;
  };

  Result<Site*> site_for(std::string_view origin);
  Duration draw_latency(const LinkProfile& link);
  bool draw_loss(const LinkProfile& link);
  void deliver(const std::string& origin, const HttpRequest& request, Duration response_latency,
               bool answered, Callback<HttpResponse> done);
  void complete_after(Duration delay, Callback<HttpResponse> done, Result<HttpResponse> result);

  Executor& executor_;
  Random& random_;
  LinkProfile default_link_;
  std::map<std::string, Site> sites_;  // by normalised origin; ordered, so iteration is deterministic
  NetworkCounters counters_;
  // Queued tasks hold a weak reference: once the network is gone they do nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace margo
