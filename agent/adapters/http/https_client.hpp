#pragma once
// The production HttpClient: cpp-httplib over OpenSSL, certificate and hostname verification always
// on, TLS 1.2 minimum. One kept-alive connection per origin; exchanges run on the worker pool and
// their completions are posted back to the event loop.

#include <memory>
#include <string>

#include "agent/adapters/worker_pool.hpp"
#include "agent/ports/http_client.hpp"

namespace margo {

struct HttpsClientOptions {
  std::string ca_file;  // PEM bundle of trusted CAs; empty: the system trust store
  Duration connect_timeout = std::chrono::seconds(10);
  Duration read_timeout = std::chrono::seconds(30);  // per read; the request's timeout caps the exchange
  std::string user_agent = "margo-agent/0.1";        // sent unless the request has its own
  bool allow_plain_http = false;                     // http:// URLs fail with http.bad_url unless set
};

class HttpsClient final : public HttpClient {
 public:
  // Fails with http.ca_load_failed when options.ca_file cannot be read or holds no certificate:
  // a broken trust configuration never falls back to the system store.
  static Result<std::unique_ptr<HttpsClient>> create(Executor& loop, WorkerPool& workers,
                                                     HttpsClientOptions options);
  ~HttpsClient() override;
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  void send(HttpRequest request, Callback<HttpResponse> done) override;

  // Aborts exchanges in flight (their sockets are shut down) and drops every completion not yet
  // delivered, including those of requests sent later. Safe from any thread; does not block.
  void shutdown();

 private:
  // State shared with the exchanges running on the worker pool, which may outlive this object.
  struct Shared;

  explicit HttpsClient(std::shared_ptr<Shared> shared);

  std::shared_ptr<Shared> shared_;
};

}  // namespace margo
