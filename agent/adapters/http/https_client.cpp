#include "agent/adapters/http/https_client.hpp"

#include <atomic>
#include <deque>
#include <map>
#include <set>

#include "agent/adapters/http/http_connection.hpp"
#include "agent/adapters/http/request_writer.hpp"
#include "agent/adapters/http/socket_address.hpp"
#include "agent/adapters/http/url.hpp"

namespace margo {
namespace {

// Connections one origin may have at once; further requests wait for one to come free.
constexpr std::size_t kMaxConnectionsPerOrigin = 4;

// Requests that may be sent again when a reused connection turns out to have been closed by the
// server before it answered (RFC 9110 section 9.2.2).
bool is_idempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

}  // namespace

// Everything here runs on the loop thread, except the destructor, which runs wherever the last
// reference goes: tasks on the loop and the resolver's jobs hold only weak references.
struct HttpsClient::State : std::enable_shared_from_this<State> {
  // One request, from send() to its completion.
  struct Exchange {
    std::string origin;
    std::string what;  // "GET https://host/path", for messages (never the query: it may carry tokens)
    std::string method;
    std::string host;
    std::uint16_t port = 0;
    std::string request_bytes;
    std::size_t max_response_bytes = 0;
    Callback<HttpResponse> done;
    std::optional<Executor::TimerId> deadline;
    std::shared_ptr<HttpConnection> connection;  // while it opens one or is carried by one
    bool reused_connection = false;
    bool resent = false;
  };
  struct IdleConnection {
    std::shared_ptr<HttpConnection> connection;
    Executor::TimerId expiry;
  };
  struct Origin {
    std::vector<IdleConnection> idle;  // most recently used last
    std::size_t busy = 0;              // connections opening or carrying an exchange
    std::deque<std::shared_ptr<Exchange>> waiting;
  };

  State(EventLoop& loop_in, WorkerPool& workers_in, HttpsClientOptions options_in, TlsContext tls_in)
      : loop(loop_in), workers(workers_in), options(std::move(options_in)), tls(std::move(tls_in)) {}

  EventLoop& loop;
  WorkerPool& workers;
  const HttpsClientOptions options;
  // Made at the first https connection when it trusts the system store: loading that store costs
  // hundreds of KiB, and a client for downloads may never need it.
  TlsContext tls;

  Result<TlsContext> tls_context() {
    if (tls) return tls;
    auto made = make_client_tls_context(options.ca_file, options.min_tls_version);
    if (made) tls = *made;
    return made;
  }
  // Completion tasks hold the flag, not the state, so a completion never keeps the client alive.
  const std::shared_ptr<std::atomic<bool>> shut_down = std::make_shared<std::atomic<bool>>(false);
  std::map<std::string, Origin> origins;
  std::set<std::shared_ptr<Exchange>> unfinished;

  void deliver(Callback<HttpResponse> done, Result<HttpResponse> result) {
    loop.post([flag = shut_down, done = std::move(done), result = std::move(result)]() mutable {
      if (!*flag) done(std::move(result));
    });
  }

  void start(HttpRequest request, Callback<HttpResponse> done) {
    Result<Url> url = parse_url(request.url);
    if (url && url->scheme == "http" && !options.allow_plain_http)
      url = permanent_error("http.bad_url", "plain http is not allowed: " + url->without_query());
    if (!url) return deliver(std::move(done), url.error());
    Result<std::string> bytes = write_request(request, *url, options.user_agent);
    if (!bytes) return deliver(std::move(done), bytes.error());

    auto exchange = std::make_shared<Exchange>();
    exchange->origin = url->origin();
    exchange->what = request.method + " " + url->without_query();
    exchange->method = request.method;
    exchange->host = url->host;
    exchange->port = url->port;
    exchange->request_bytes = std::move(bytes).value();
    exchange->max_response_bytes = request.max_response_bytes;
    exchange->done = std::move(done);
    exchange->deadline = loop.schedule_after(
        request.timeout, [weak_state = weak_from_this(), weak_exchange = std::weak_ptr<Exchange>(exchange)] {
          const auto state = weak_state.lock();
          const auto timed_out = weak_exchange.lock();
          if (state && timed_out) state->on_deadline(timed_out);
        });
    unfinished.insert(exchange);
    origins[exchange->origin].waiting.push_back(exchange);
    dispatch(exchange->origin);
  }

  // Gives waiting exchanges an idle connection, or a new one while the origin has room.
  void dispatch(const std::string& key) {
    Origin& origin = origins[key];
    while (!origin.waiting.empty()) {
      std::shared_ptr<HttpConnection> connection;
      while (!connection && !origin.idle.empty()) {
        IdleConnection entry = std::move(origin.idle.back());
        origin.idle.pop_back();
        loop.cancel(entry.expiry);
        if (entry.connection->still_open()) connection = std::move(entry.connection);
      }
      if (!connection && origin.busy >= kMaxConnectionsPerOrigin) return;
      const std::shared_ptr<Exchange> exchange = std::move(origin.waiting.front());
      origin.waiting.pop_front();
      ++origin.busy;
      if (connection) {
        carry(exchange, std::move(connection), true);
      } else {
        open_connection(exchange);
      }
    }
  }

  void open_connection(const std::shared_ptr<Exchange>& exchange) {
    TlsContext context;
    if (exchange->origin.starts_with("https:")) {
      auto made = tls_context();
      if (!made) return connection_ended(exchange, made.error());
      context = std::move(made).value();
    }
    exchange->connection = std::make_shared<HttpConnection>(
        loop, std::move(context), exchange->host,
        HttpConnection::Timeouts{options.connect_timeout, options.read_timeout});
    if (auto literal = literal_address(exchange->host, exchange->port))
      return on_resolved(exchange, std::vector<SocketAddress>{*literal});
    workers.submit([weak_state = weak_from_this(), weak_exchange = std::weak_ptr<Exchange>(exchange),
                    &loop = loop, host = exchange->host, port = exchange->port] {
      auto addresses = resolve_host(host, port);
      loop.post([weak_state, weak_exchange, addresses = std::move(addresses)]() mutable {
        const auto state = weak_state.lock();
        const auto resolved = weak_exchange.lock();
        if (state && resolved && state->unfinished.count(resolved) > 0)
          state->on_resolved(resolved, std::move(addresses));
      });
    });
  }

  void on_resolved(const std::shared_ptr<Exchange>& exchange, Result<std::vector<SocketAddress>> addresses) {
    if (!addresses) return connection_ended(exchange, addresses.error());
    exchange->connection->open(
        std::move(addresses).value(),
        [weak_state = weak_from_this(), weak = std::weak_ptr<Exchange>(exchange)](Status opened) {
          const auto state = weak_state.lock();
          const auto opener = weak.lock();
          if (!state || !opener) return;
          if (!opened) return state->connection_ended(opener, opened.error());
          state->carry(opener, opener->connection, false);
        });
  }

  void carry(const std::shared_ptr<Exchange>& exchange, std::shared_ptr<HttpConnection> connection,
             bool reused) {
    exchange->connection = std::move(connection);
    exchange->reused_connection = reused;
    exchange->connection->exchange(exchange->request_bytes, exchange->method == "HEAD",
                                   exchange->max_response_bytes,
                                   [weak_state = weak_from_this(),
                                    weak = std::weak_ptr<Exchange>(exchange)](Result<HttpResponse> result) {
                                     const auto state = weak_state.lock();
                                     const auto carried = weak.lock();
                                     if (state && carried) state->on_exchanged(carried, std::move(result));
                                   });
  }

  void on_exchanged(const std::shared_ptr<Exchange>& exchange, Result<HttpResponse> result) {
    std::shared_ptr<HttpConnection> connection = std::move(exchange->connection);
    if (result) {
      --origins[exchange->origin].busy;
      if (connection->reusable()) keep_idle(exchange->origin, std::move(connection));
      finish(exchange, std::move(result));
      return dispatch(exchange->origin);
    }
    // A kept-alive connection the server closed just before the request came: nothing was answered,
    // so an idempotent request goes once more, on a new connection.
    if (exchange->reused_connection && !connection->response_started() && !exchange->resent &&
        is_idempotent(exchange->method) && result.error().code == "http.connection_lost") {
      exchange->resent = true;
      return open_connection(exchange);
    }
    connection_ended(exchange, result.error());
  }

  // The exchange's connection failed or could not be made: the exchange fails with the reason.
  void connection_ended(const std::shared_ptr<Exchange>& exchange, const Error& error) {
    exchange->connection.reset();
    --origins[exchange->origin].busy;
    finish(exchange, error.with_context(exchange->what));
    dispatch(exchange->origin);
  }

  void keep_idle(const std::string& key, std::shared_ptr<HttpConnection> connection) {
    const auto expiry = loop.schedule_after(
        options.idle_timeout,
        [weak_state = weak_from_this(), key, weak = std::weak_ptr<HttpConnection>(connection)] {
          const auto state = weak_state.lock();
          if (!state) return;
          auto& idle = state->origins[key].idle;
          std::erase_if(idle, [&](const IdleConnection& entry) { return entry.connection == weak.lock(); });
        });
    origins[key].idle.push_back({std::move(connection), expiry});
  }

  void on_deadline(const std::shared_ptr<Exchange>& exchange) {
    exchange->deadline.reset();
    if (unfinished.count(exchange) == 0) return;
    Origin& origin = origins[exchange->origin];
    if (exchange->connection) {
      exchange->connection->close();
      exchange->connection.reset();
      --origin.busy;
    } else {
      std::erase(origin.waiting, exchange);
    }
    finish(exchange, retryable_error("http.timeout", exchange->what + ": exchange exceeded its timeout"));
    dispatch(exchange->origin);
  }

  void finish(const std::shared_ptr<Exchange>& exchange, Result<HttpResponse> result) {
    if (exchange->deadline) loop.cancel(*exchange->deadline);
    exchange->deadline.reset();
    unfinished.erase(exchange);
    deliver(std::move(exchange->done), std::move(result));
  }

  void close_everything() {
    for (const auto& exchange : unfinished)
      if (exchange->connection) exchange->connection->close();
    cancel_timers();
    unfinished.clear();
    origins.clear();
  }

  void cancel_timers() {
    for (const auto& exchange : unfinished)
      if (exchange->deadline) loop.cancel(*exchange->deadline);
    for (auto& [key, origin] : origins)
      for (const IdleConnection& entry : origin.idle) loop.cancel(entry.expiry);
  }

  // May run on another thread than the loop's: it touches no connection (a connection still in use
  // by a task on the loop closes itself when that task lets it go), only the thread-safe timer calls.
  ~State() { cancel_timers(); }
};

Result<std::unique_ptr<HttpsClient>> HttpsClient::create(EventLoop& loop, WorkerPool& workers,
                                                         HttpsClientOptions options) {
  TlsContext tls;
  if (!options.ca_file.empty()) {
    auto made = make_client_tls_context(options.ca_file, options.min_tls_version);
    if (!made) return made.error();
    tls = std::move(made).value();
  }
  return std::unique_ptr<HttpsClient>(
      new HttpsClient(std::make_shared<State>(loop, workers, std::move(options), std::move(tls))));
}

HttpsClient::HttpsClient(std::shared_ptr<State> state) : state_(std::move(state)) {}

HttpsClient::~HttpsClient() {
  shutdown();
}

void HttpsClient::shutdown() {
  if (state_->shut_down->exchange(true)) return;
  state_->loop.post([weak = std::weak_ptr<State>(state_)] {
    if (const auto state = weak.lock()) state->close_everything();
  });
}

void HttpsClient::send(HttpRequest request, Callback<HttpResponse> done) {
  if (*state_->shut_down) return;
  state_->start(std::move(request), std::move(done));
}

}  // namespace margo
