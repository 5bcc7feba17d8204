#pragma once
// A real HTTP/1.1 server (plain TCP or OpenSSL, requests parsed by Boost.Beast) that hands every request
// to one handler function. The handler is called under a mutex, one request at a time, so a
// single-threaded handler (the fake WFM) can sit behind it. Used by margo-wfm and by tests that need a
// real endpoint.
//
// Responses are framed the way Go's net/http frames them, since that is what devices meet in the field:
// 1xx, 204 and 304 carry no Content-Length and no body; every other response carries the Content-Length
// of the handler's body (a Content-Length or Transfer-Encoding set by the handler is not sent as given);
// HEAD gets the headers a GET would get and no body; a Date is added; Content-Type only when the handler
// set one. Threads: one acceptor, one per connection.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "agent/ports/http_client.hpp"
#include "agent/ports/result.hpp"

namespace margo {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // address to bind (IPv6 literals as "::1")
  int port = 0;                    // 0 picks a free port
  // PEM files; both empty serves plain HTTP. TLS 1.2 is the minimum version offered.
  std::string tls_certificate_file;  // the server certificate, then its chain
  std::string tls_private_key_file;
  std::size_t max_body_bytes = 16 * 1024 * 1024;  // a larger request body gets 413
  std::size_t max_header_bytes = 64 * 1024;       // a larger request head gets 431
  // How long an idle keep-alive connection is kept open between requests.
  std::chrono::milliseconds keep_alive_timeout = std::chrono::seconds(1);
  // Requests served on one connection before the server closes it (its last response says
  // Connection: close).
  std::size_t keep_alive_max_requests = 100000;
  // How long the TLS handshake, a new connection's first request, a request that has begun, or a
  // response write may stall before the connection is dropped.
  std::chrono::milliseconds io_timeout = std::chrono::seconds(30);
  // Connections served at once; one more is accepted and closed at once.
  std::size_t max_connections = 64;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Binds, then accepts on its own thread. Errors: server.tls_setup (certificate or key unusable),
  // server.bind_failed (address in use, bad host), server.start_failed (no eventfd or thread).
  static Result<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options, HttpHandler handler);

  ~HttpServer();  // stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  const std::string& scheme() const { return scheme_; }
  // scheme://host:port, the host as configured (IPv6 literals in brackets).
  std::string origin() const;

  // Stops accepting, lets responses being written finish for a short grace period, closes every
  // connection (idle ones included) and joins every thread; returns promptly. Idempotent.
  void stop();

 private:
  struct State;  // sockets, threads, TLS context (http_server.cpp)
  explicit HttpServer(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
  std::string scheme_;
  int port_ = 0;
};

}  // namespace margo
