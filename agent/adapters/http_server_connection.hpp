#pragma once
// The inside of HttpServer (http_server.hpp): one accepted connection served on its own thread
// (http_server_connection.cpp) and the bytes of a response (http_server_response.cpp).

#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <string>

#include "agent/adapters/http_server.hpp"

namespace margo::http_server_internal {

// What a connection needs from the server that accepted it; outlives the connection.
struct ConnectionContext {
  HttpServerOptions options;
  std::string scheme;      // "http" or "https"
  std::string authority;   // host:port listened on, for a request without Host
  SSL_CTX* tls = nullptr;  // null serves plain HTTP
  // Calls the handler under the server's mutex; an exception becomes a 500.
  std::function<HttpResponse(const HttpRequest&)> handle;
  const std::atomic<bool>* stopping = nullptr;  // once true, each response closes its connection
};

// Serves requests on the connected socket `fd` until either side closes it, a timeout, an error or
// stop() (which shuts the socket down). Never closes `fd`: the server does, under its lock.
void serve_connection(int fd, const ConnectionContext& context);

struct ResponseFraming {
  bool head_request = false;    // headers as for GET, no body
  bool close = false;           // says Connection: close
  bool keep_alive_1_0 = false;  // an HTTP/1.0 keep-alive request kept open: says Connection: keep-alive
};

// Status line, headers and body as Go's net/http frames them: no Content-Length and no body for 1xx,
// 204 and 304 (nor Content-Type for 304); otherwise the body's Content-Length; the handler's
// Content-Length, Transfer-Encoding and Connection are never sent as given; a Date unless the handler
// set one.
std::string frame_response(const HttpResponse& response, const ResponseFraming& framing);

// True when the handler's headers ask for the connection to close (Connection: close).
bool asks_to_close(const HttpHeaders& headers);

// A plain-text error response (400, 413, ...) whose connection closes.
HttpResponse error_response(int status);

}  // namespace margo::http_server_internal
