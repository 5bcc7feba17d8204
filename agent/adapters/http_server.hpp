#pragma once
// A real HTTP(S) server (cpp-httplib) that hands every request to one handler function. The handler
// is called under a mutex, one request at a time, so a single-threaded handler (the fake WFM) can sit
// behind it. Used by margo-wfm and by tests that need a real endpoint.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "agent/ports/http_client.hpp"
#include "agent/ports/result.hpp"

namespace httplib {
class Server;
}

namespace margo {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // address to bind
  int port = 0;                    // 0 picks a free port
  // PEM files; both empty serves plain HTTP. TLS 1.2 is the minimum version offered.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  // How long an idle keep-alive connection is kept open. stop() waits for idle connections to reach
  // it (cpp-httplib cannot interrupt them), so it also bounds how long a stop takes.
  std::chrono::seconds keep_alive_timeout{1};
  // Requests served on one connection before the server closes it (httplib's default is 5, which would
  // make a client polling every 100 ms pay a TLS handshake every half second).
  std::size_t keep_alive_max_requests = 100000;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Binds, then listens on its own thread. Errors: server.tls_setup (certificate or key unusable),
  // server.bind_failed (address in use, bad host).
  static Result<std::unique_ptr<HttpServer>> start(const HttpServerOptions& options, HttpHandler handler);

  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  const std::string& scheme() const { return scheme_; }
  // scheme://host:port, the host as configured (IPv6 literals in brackets).
  std::string origin() const;

  // Stops accepting, finishes the requests in progress and joins the listener thread; returns within
  // about keep_alive_timeout. Idempotent.
  void stop();

 private:
  HttpServer(std::unique_ptr<httplib::Server> server, HttpHandler handler, HttpServerOptions options,
             std::string scheme);
  void install_routes();

  std::unique_ptr<httplib::Server> server_;
  HttpHandler handler_;
  HttpServerOptions options_;
  std::string scheme_;
  int port_ = 0;
  std::mutex handler_mutex_;
  std::thread listener_;
};

}  // namespace margo
