#include "sim/adapters/sim_network.hpp"

#include <utility>

#include "agent/adapters/http/url.hpp"

namespace margo {
namespace {

std::uint64_t header_bytes(std::string_view name, std::string_view value) {
  return name.size() + 2 + value.size() + 2;  // "name: value\r\n"
}

std::uint64_t fields_and_body_bytes(const HttpHeaders& headers, const std::string& body) {
  std::uint64_t size = 0;
  for (const HttpHeader& header : headers) size += header_bytes(header.name, header.value);
  if (!body.empty() && !headers.has("Content-Length"))
    size += header_bytes("Content-Length", std::to_string(body.size()));
  return size + 2 + body.size();  // blank line, then the body
}

std::uint64_t request_wire_size(const HttpRequest& request, const Url& url) {
  std::uint64_t size =
      request.method.size() + 1 + url.target.size() + std::string_view(" HTTP/1.1\r\n").size();
  if (!request.headers.has("Host")) size += header_bytes("Host", url.authority);
  return size + fields_and_body_bytes(request.headers, request.body);
}

// Without a reason phrase: the simulated server does not send one.
std::uint64_t response_wire_size(const HttpResponse& response) {
  return std::string_view("HTTP/1.1 200 \r\n").size() +
         fields_and_body_bytes(response.headers, response.body);
}

// For messages: the URL without its query, which may carry tokens.
std::string describe(const HttpRequest& request) {
  return request.method + " " + request.url.substr(0, request.url.find('?'));
}

}  // namespace

SimNetwork::SimNetwork(Executor& executor, Random& random) : executor_(executor), random_(random) {}

SimNetwork::~SimNetwork() = default;

Result<std::string> SimNetwork::normalise_origin(std::string_view origin) {
  Result<Url> url = parse_url(origin);
  if (!url) return permanent_error("sim.bad_origin", url.error().message);
  if (url->target != "/")
    return permanent_error("sim.bad_origin", "origin '" + std::string(origin) + "' must not have a path");
  return url->origin();
}

Result<SimNetwork::Site*> SimNetwork::site_for(std::string_view origin) {
  Result<std::string> key = normalise_origin(origin);
  if (!key) return key.error();
  return &sites_[*key];
}

Status SimNetwork::add_host(std::string_view origin, RequestHandler handler) {
  Result<Site*> site = site_for(origin);
  if (!site) return site.error();
  (*site)->handler = std::move(handler);
  return {};
}

void SimNetwork::set_default_link(LinkProfile link) {
  default_link_ = link;
}

Status SimNetwork::set_link(std::string_view origin, LinkProfile link) {
  Result<Site*> site = site_for(origin);
  if (!site) return site.error();
  (*site)->link = link;
  return {};
}

Status SimNetwork::set_partitioned(std::string_view origin, bool partitioned) {
  Result<Site*> site = site_for(origin);
  if (!site) return site.error();
  (*site)->partitioned = partitioned;
  return {};
}

Status SimNetwork::inject_failure(std::string_view origin, std::size_t count, Error error) {
  Result<Site*> site = site_for(origin);
  if (!site) return site.error();
  for (std::size_t i = 0; i < count; ++i) (*site)->injected_failures.push_back(error);
  return {};
}

Duration SimNetwork::draw_latency(const LinkProfile& link) {
  if (link.max_latency <= link.min_latency) return link.min_latency;
  const auto spread = static_cast<std::uint64_t>((link.max_latency - link.min_latency).count());
  return link.min_latency + Duration(static_cast<Duration::rep>(random_.next_below(spread + 1)));
}

bool SimNetwork::draw_loss(const LinkProfile& link) {
  return random_.next_unit() < link.loss_probability;
}

void SimNetwork::send(HttpRequest request, Callback<HttpResponse> done) {
  Result<Url> url = parse_url(request.url);
  if (!url) {
    complete_after(Duration(0), std::move(done), url.error());
    return;
  }
  const std::string origin = url->origin();
  ++counters_.requests_sent;
  counters_.request_bytes += request_wire_size(request, *url);

  const auto found = sites_.find(origin);
  Site* site = found == sites_.end() ? nullptr : &found->second;
  const LinkProfile link = site && site->link ? *site->link : default_link_;
  // Always the same four draws, in the same order, whatever the outcome: one request's fate never
  // shifts the random sequence of the next.
  const Duration request_latency = draw_latency(link);
  const bool request_lost = draw_loss(link);
  const Duration response_latency = draw_latency(link);
  const bool response_lost = draw_loss(link);
  const Duration round_trip = request_latency + response_latency;
  const std::string what = describe(request);

  if (!site || !site->handler || site->partitioned) {
    const std::string why = site && site->handler ? "network partitioned from " : "no host serves ";
    complete_after(round_trip, std::move(done),
                   retryable_error("http.connect_failed", what + ": cannot connect (" + why + origin + ")"));
    return;
  }
  if (!site->injected_failures.empty()) {
    Error injected = std::move(site->injected_failures.front());
    site->injected_failures.pop_front();
    complete_after(round_trip, std::move(done), std::move(injected));
    return;
  }
  const bool answered = !request_lost && !response_lost && round_trip <= request.timeout;
  if (!answered) {
    complete_after(request.timeout, done,
                   retryable_error("http.timeout", what + ": no response within the timeout"));
  }
  if (request_lost) return;
  executor_.schedule_after(request_latency,
                           [this, alive = std::weak_ptr<bool>(alive_), origin, request = std::move(request),
                            response_latency, answered, done = std::move(done)]() mutable {
                             if (alive.expired()) return;
                             deliver(origin, request, response_latency, answered, std::move(done));
                           });
}

void SimNetwork::deliver(const std::string& origin, const HttpRequest& request, Duration response_latency,
                         bool answered, Callback<HttpResponse> done) {
  // The host may have been reconfigured while the request was in flight.
  const auto site = sites_.find(origin);
  if (site == sites_.end() || !site->second.handler) {
    if (answered) {
      complete_after(response_latency, std::move(done),
                     retryable_error("http.connection_lost", describe(request) + ": host went away"));
    }
    return;
  }
  ++counters_.requests_delivered;
  HttpResponse response = site->second.handler(request);
  counters_.response_bytes += response_wire_size(response);
  if (!answered) return;
  if (response.body.size() > request.max_response_bytes) {
    complete_after(
        response_latency, std::move(done),
        permanent_error("http.response_too_large",
                        describe(request) + ": response body of " + std::to_string(response.body.size()) +
                            " bytes exceeds the limit of " + std::to_string(request.max_response_bytes)));
    return;
  }
  complete_after(response_latency, std::move(done), std::move(response));
}

void SimNetwork::complete_after(Duration delay, Callback<HttpResponse> done, Result<HttpResponse> result) {
  executor_.schedule_after(delay, [this, alive = std::weak_ptr<bool>(alive_), done = std::move(done),
                                   result = std::move(result)]() mutable {
    if (alive.expired()) return;
    if (!result) ++counters_.requests_failed;
    done(std::move(result));
  });
}

}  // namespace margo
