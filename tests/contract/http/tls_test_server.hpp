#pragma once
// A real HTTP(S) server on 127.0.0.1 (random port) that serves a margo request handler: the request it
// hands over carries the URL the client asked for (base URL + request target, exactly as sent).

#include <openssl/ssl.h>

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "agent/ports/http_client.hpp"
#include "tests/contract/http/test_pki.hpp"

namespace httplib {
class Server;
}

namespace margo::testing {

using TestHandler = std::function<HttpResponse(const HttpRequest&)>;

class TlsTestServer {
 public:
  // HTTPS with the identity's certificate; `tune` may restrict the server's TLS context further.
  TlsTestServer(const TlsIdentity& identity, TestHandler handler,
                const std::function<void(SSL_CTX*)>& tune = nullptr);
  // Plain HTTP.
  explicit TlsTestServer(TestHandler handler);
  ~TlsTestServer();
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;

  void set_handler(TestHandler handler);
  int port() const { return port_; }
  std::string base_url() const;
  // Distinct client connections that carried at least one request.
  std::size_t connections_seen() const;
  std::size_t requests_seen() const;

 private:
  void start();

  std::unique_ptr<httplib::Server> server_;
  std::string scheme_;
  int port_ = 0;
  std::thread listener_;
  mutable std::mutex mutex_;
  TestHandler handler_;
  std::set<int> remote_ports_;
  std::size_t requests_ = 0;
};

// A port on 127.0.0.1 where nothing listens (bound, then released).
int unused_local_port();

}  // namespace margo::testing
