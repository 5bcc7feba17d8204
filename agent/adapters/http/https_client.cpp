#include "agent/adapters/https_client.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <map>
#include <mutex>

#include "agent/adapters/url.hpp"

namespace margo {
namespace {

using SteadyClock = std::chrono::steady_clock;

// httplib reports a timed-out read and a broken connection both as Error::Read; a failure that comes
// this close to the read timeout is taken to be the timeout.
constexpr Duration kTimeoutSlack{50};

// This thread's queued OpenSSL errors, earliest (the cause) first; empties the queue.
std::string take_openssl_reason() {
  std::string reasons;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    reasons += (reasons.empty() ? "" : "; ") + std::string(text);
  }
  return reasons.empty() ? "no OpenSSL detail" : reasons;
}

Status check_ca_file(const std::string& path) {
  X509_STORE* store = X509_STORE_new();
  ERR_clear_error();
  const bool loaded = X509_STORE_load_file(store, path.c_str()) == 1 &&
                      sk_X509_OBJECT_num(X509_STORE_get0_objects(store)) > 0;
  X509_STORE_free(store);
  if (loaded) return {};
  return permanent_error("http.ca_load_failed",
                         "cannot load CA certificates from '" + path + "': " + take_openssl_reason());
}

std::optional<std::uint64_t> content_length(const httplib::Response& head) {
  if (!head.has_header("Content-Length")) return std::nullopt;
  const std::string text = head.get_header_value("Content-Length");
  std::uint64_t length = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), length);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return length;
}

// One origin's kept-alive httplib client. Exchanges on it are serialized: httplib's client is not
// meant for concurrent requests.
struct OriginConnection {
  std::mutex exchange_mutex;
  std::unique_ptr<httplib::ClientImpl> client;
  // A duplicate of the client's current socket, so shutdown() can cut an exchange (even a connect or
  // a TLS handshake in progress) without racing httplib for the descriptor number.
  int socket_handle = -1;

  ~OriginConnection() {
    if (socket_handle >= 0) ::close(socket_handle);
  }
};

// What one blocking exchange saw, for turning a failure into an Error.
struct ExchangeFailure {
  httplib::Error error = httplib::Error::Success;  // httplib only fills in errors over Success
  bool too_large = false;
  bool past_deadline = false;
  bool read_timed_out = false;
  std::string tls_reason;
};

Error describe_failure(const ExchangeFailure& failure, const std::string& what) {
  using httplib::Error;
  if (failure.too_large)
    return permanent_error("http.response_too_large", what + ": response body exceeds the size limit");
  if (failure.past_deadline) return retryable_error("http.timeout", what + ": exchange exceeded its timeout");
  switch (failure.error) {
    case Error::Connection:
    case Error::BindIPAddress:
      return retryable_error("http.connect_failed", what + ": cannot connect (refused or unresolvable host)");
    case Error::ConnectionTimeout:
      return retryable_error("http.timeout", what + ": connect timed out");
    case Error::SSLConnection:
      if (failure.read_timed_out) return retryable_error("http.timeout", what + ": TLS handshake timed out");
      return security_error("http.tls_failed", what + ": TLS handshake failed: " + failure.tls_reason);
    case Error::SSLLoadingCerts:
      return security_error("http.tls_failed", what + ": cannot load CA certificates: " + failure.tls_reason);
    case Error::SSLServerVerification:
      return security_error("http.tls_failed", what + ": server certificate rejected: " + failure.tls_reason);
    case Error::Read:
    case Error::Write:
      if (failure.read_timed_out)
        return retryable_error("http.timeout", what + ": no data within the timeout");
      return retryable_error("http.connection_lost",
                             what + ": connection lost (" + to_string(failure.error) + ")");
    default:
      return retryable_error("http.connection_lost",
                             what + ": exchange failed (" + to_string(failure.error) + ")");
  }
}

}  // namespace

struct HttpsClient::Shared {
  Shared(Executor& loop_in, WorkerPool& workers_in, HttpsClientOptions options_in)
      : loop(loop_in), workers(workers_in), options(std::move(options_in)) {}

  Executor& loop;
  WorkerPool& workers;
  const HttpsClientOptions options;

  // Set once by shutdown(). Completion tasks hold the flag rather than this object, so the loop never
  // ends up destroying httplib clients.
  const std::shared_ptr<std::atomic<bool>> shut_down = std::make_shared<std::atomic<bool>>(false);
  // Orders posting against shutdown(): nothing is posted after shutdown() returns. Never held while
  // taking `mutex` or an httplib lock.
  std::mutex delivery_mutex;
  std::mutex mutex;  // guards connections and their socket_handle
  std::map<std::string, std::shared_ptr<OriginConnection>> connections;

  void complete(Callback<HttpResponse> done, Result<HttpResponse> result) {
    std::lock_guard lock(delivery_mutex);
    if (*shut_down) return;
    loop.post([shut_down = shut_down, done = std::move(done), result = std::move(result)]() mutable {
      if (!*shut_down) done(std::move(result));
    });
  }

  void run_exchange(const Url& url, const HttpRequest& request, Callback<HttpResponse> done) {
    const std::shared_ptr<OriginConnection> connection = connection_for(url);
    if (!connection) return;
    Result<HttpResponse> result = exchange(*connection, url, request);
    forget_closed_socket(*connection);
    complete(std::move(done), std::move(result));
  }

  void shutdown() {
    {
      std::lock_guard lock(delivery_mutex);
      *shut_down = true;
    }
    // A socket created after this point is cut by remember_socket(), which sees the flag.
    std::lock_guard lock(mutex);
    for (const auto& entry : connections)
      if (entry.second->socket_handle >= 0) ::shutdown(entry.second->socket_handle, SHUT_RDWR);
  }

 private:
  std::shared_ptr<OriginConnection> connection_for(const Url& url) {
    std::lock_guard lock(mutex);
    if (*shut_down) return nullptr;
    std::shared_ptr<OriginConnection>& slot = connections[url.origin()];
    if (!slot) slot = make_connection(url);
    return slot;
  }

  std::shared_ptr<OriginConnection> make_connection(const Url& url) {
    auto connection = std::make_shared<OriginConnection>();
    if (url.scheme == "https") {
      auto tls = std::make_unique<httplib::SSLClient>(url.host, url.port);
      SSL_CTX_set_min_proto_version(tls->ssl_context(), TLS1_2_VERSION);
      tls->enable_server_certificate_verification(true);
      if (!options.ca_file.empty()) tls->set_ca_cert_path(options.ca_file);
      connection->client = std::move(tls);
    } else {
      connection->client = std::make_unique<httplib::ClientImpl>(url.host, url.port);
    }
    httplib::ClientImpl& client = *connection->client;
    client.set_keep_alive(true);
    client.set_url_encode(false);  // the target goes out exactly as signed
    client.set_decompress(false);  // digests cover the bytes as received
    client.set_follow_location(false);
    OriginConnection* raw = connection.get();
    client.set_socket_options([this, raw](socket_t socket) { remember_socket(*raw, socket); });
    return connection;
  }

  // Runs inside httplib, on the worker, right after it creates a socket and before it connects.
  void remember_socket(OriginConnection& connection, int socket) {
    std::lock_guard lock(mutex);
    if (connection.socket_handle >= 0) ::close(connection.socket_handle);
    connection.socket_handle = ::fcntl(socket, F_DUPFD_CLOEXEC, 0);
    if (*shut_down) ::shutdown(socket, SHUT_RDWR);
  }

  void forget_closed_socket(OriginConnection& connection) {
    if (connection.client->is_socket_open()) return;
    std::lock_guard lock(mutex);
    if (connection.socket_handle >= 0) ::close(connection.socket_handle);
    connection.socket_handle = -1;
  }

  Result<HttpResponse> exchange(OriginConnection& connection, const Url& url, const HttpRequest& request) {
    std::lock_guard serialized(connection.exchange_mutex);
    httplib::ClientImpl& client = *connection.client;
    const Duration read_timeout = std::min(options.read_timeout, request.timeout);
    client.set_connection_timeout(std::min(options.connect_timeout, request.timeout));
    client.set_read_timeout(read_timeout);
    client.set_write_timeout(read_timeout);

    httplib::Request outgoing;
    outgoing.method = request.method;
    outgoing.path = url.target;
    outgoing.body = request.body;
    for (const HttpHeader& header : request.headers) outgoing.headers.emplace(header.name, header.value);
    // The Host header is the URL's authority as written: "@target-uri" in the signature is that URL.
    if (!request.headers.has("Host")) outgoing.headers.emplace("Host", url.authority);
    if (!request.headers.has("User-Agent")) outgoing.headers.emplace("User-Agent", options.user_agent);

    const auto start = SteadyClock::now();
    const auto deadline = start + request.timeout;
    ExchangeFailure failure;
    std::string body;
    outgoing.response_handler = [&](const httplib::Response& head) {
      const auto length = content_length(head);
      failure.too_large = request.method != "HEAD" && length && *length > request.max_response_bytes;
      return !failure.too_large;
    };
    outgoing.content_receiver = [&](const char* data, std::size_t size, std::uint64_t, std::uint64_t) {
      failure.past_deadline = SteadyClock::now() > deadline;
      failure.too_large = size > request.max_response_bytes - body.size();
      if (failure.past_deadline || failure.too_large) return false;
      body.append(data, size);
      return true;
    };

    ERR_clear_error();
    httplib::Response response;
    if (client.send(outgoing, response, failure.error)) {
      HttpResponse result{response.status, {}, std::move(body)};
      for (const auto& [name, value] : response.headers) result.headers.add(name, value);
      return result;
    }
    failure.read_timed_out = SteadyClock::now() - start + kTimeoutSlack >= read_timeout;
    failure.tls_reason = tls_reason(client, failure.error, url);
    return describe_failure(failure, request.method + " " + url.without_query());
  }

  static std::string tls_reason(httplib::ClientImpl& client, httplib::Error error, const Url& url) {
    if (error == httplib::Error::SSLServerVerification) {
      const long verify = static_cast<httplib::SSLClient&>(client).get_openssl_verify_result();
      ERR_clear_error();
      if (verify != X509_V_OK) return X509_verify_cert_error_string(verify);
      return "certificate does not match host '" + url.host + "'";
    }
    return take_openssl_reason();
  }
};

Result<std::unique_ptr<HttpsClient>> HttpsClient::create(Executor& loop, WorkerPool& workers,
                                                         HttpsClientOptions options) {
  if (!options.ca_file.empty()) {
    if (Status loaded = check_ca_file(options.ca_file); !loaded) return loaded.error();
  }
  return std::unique_ptr<HttpsClient>(
      new HttpsClient(std::make_shared<Shared>(loop, workers, std::move(options))));
}

HttpsClient::HttpsClient(std::shared_ptr<Shared> shared) : shared_(std::move(shared)) {}

HttpsClient::~HttpsClient() {
  shutdown();
}

void HttpsClient::shutdown() {
  shared_->shutdown();
}

void HttpsClient::send(HttpRequest request, Callback<HttpResponse> done) {
  Result<Url> url = parse_url(request.url);
  if (url && url->scheme == "http" && !shared_->options.allow_plain_http)
    url = permanent_error("http.bad_url", "plain http is not allowed: " + url->without_query());
  if (!url) {
    shared_->complete(std::move(done), url.error());
    return;
  }
  shared_->workers.submit(
      [shared = shared_, url = std::move(url).value(), request = std::move(request),
       done = std::move(done)]() mutable { shared->run_exchange(url, request, std::move(done)); });
}

}  // namespace margo
