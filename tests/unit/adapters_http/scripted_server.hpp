#pragma once
// A raw HTTP/1.1 server on 127.0.0.1 whose answers are bytes written by the test, over TLS or plain
// TCP: framings our own httplib-based servers never produce (a 304 without Content-Length, chunked
// trailers, interim 1xx, bodies delimited by closing, malformed heads, slow bodies) can be sent exactly.
// Plain OpenSSL and sockets, one thread per connection; requests are read minimally (head and a
// Content-Length body).

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/contract/http/test_pki.hpp"

namespace margo::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::string head;  // the whole request head as received, CRLFs included
  std::string body;
  int connection = 0;  // 1 for the first connection accepted, 2 for the next, ...
};

// What to send back: pieces of bytes, each followed by a pause; then keep the connection or close it.
struct ScriptedReply {
  struct Piece {
    std::string bytes;
    std::chrono::milliseconds pause_after{0};
  };
  std::vector<Piece> pieces;
  bool close_after = false;
};

ScriptedReply raw_reply(std::string bytes, bool close_after = false);

using Script = std::function<ScriptedReply(const ReceivedRequest&)>;

class ScriptedServer {
 public:
  // TLS with the identity's certificate (`tune` may restrict the context); nullptr: plain TCP.
  ScriptedServer(const TlsIdentity* identity, Script script,
                 const std::function<void(SSL_CTX*)>& tune = nullptr);
  ~ScriptedServer();
  ScriptedServer(const ScriptedServer&) = delete;
  ScriptedServer& operator=(const ScriptedServer&) = delete;

  int port() const { return port_; }
  std::string base_url() const;
  int connections() const { return connections_; }
  int requests() const { return requests_; }
  // Closes every connection that is waiting for its next request, as a server's idle timeout does.
  void close_idle_connections();

 private:
  struct Connection;
  void accept_loop();
  void serve(const std::shared_ptr<Connection>& connection);

  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context_{nullptr, SSL_CTX_free};
  Script script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_ = false;
  std::atomic<int> connections_ = 0;
  std::atomic<int> requests_ = 0;
  std::mutex mutex_;
  std::vector<std::shared_ptr<Connection>> open_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace margo::testing
