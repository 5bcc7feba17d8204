#pragma once
// The production HttpClient: HTTP/1.1 over TLS (OpenSSL), certificate and hostname verification
// always on, driven by the event loop with non-blocking sockets, so an exchange costs no thread
// hand-off. Kept-alive connections per origin (a few at most; more requests wait their turn), checked
// before reuse; an idempotent request whose reused connection turns out dead is sent once more on a
// new one. Only host name resolution runs on the worker pool.

#include <memory>
#include <string>

#include "agent/adapters/event_loop.hpp"
#include "agent/adapters/http/tls_context.hpp"
#include "agent/adapters/worker_pool.hpp"
#include "agent/ports/http_client.hpp"

namespace margo {

struct HttpsClientOptions {
  std::string ca_file;  // PEM bundle of trusted CAs; empty: the system trust store
  TlsVersion min_tls_version = TlsVersion::tls1_2;
  Duration connect_timeout = std::chrono::seconds(10);  // TCP connect and TLS handshake
  Duration read_timeout =
      std::chrono::seconds(30);  // longest silence; the request's timeout caps the exchange
  Duration idle_timeout = std::chrono::seconds(90);  // an unused kept-alive connection is closed after this
  std::string user_agent = "margo-agent/0.1";        // sent unless the request has its own
  bool allow_plain_http = false;                     // http:// URLs fail with http.bad_url unless set
};

// Error codes besides those of HttpClient: http.bad_response (retryable: the server's bytes are not
// a response we can read), http.bad_request (permanent: a header that cannot be sent as given).
class HttpsClient final : public HttpClient {
 public:
  // Fails with http.ca_load_failed when options.ca_file cannot be read or holds no certificate:
  // a broken trust configuration never falls back to the system store.
  static Result<std::unique_ptr<HttpsClient>> create(EventLoop& loop, WorkerPool& workers,
                                                     HttpsClientOptions options);
  ~HttpsClient() override;
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Call on the loop thread. Completions are delivered on the loop, never before send() returns.
  void send(HttpRequest request, Callback<HttpResponse> done) override;

  // Aborts exchanges in flight and drops every completion not yet delivered, including those of
  // requests sent later. Safe from any thread; does not block.
  void shutdown();

 private:
  struct State;

  explicit HttpsClient(std::shared_ptr<State> state);

  std::shared_ptr<State> state_;
};

}  // namespace margo
