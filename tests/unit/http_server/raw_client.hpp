#pragma once
// A client that talks raw bytes to a server, over plain TCP or TLS (OpenSSL, verified against the test
// CA), so tests can assert exactly how responses are framed. Every wait is bounded; nothing sleeps.

#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "agent/ports/http_client.hpp"

namespace margo::testing {

struct RawResponse {
  std::string head;  // status line and fields through the empty line, exactly as received
  int status = 0;
  HttpHeaders headers;
  std::string body;  // Content-Length bytes; none without a Content-Length
  // How many fields of that name the head has.
  std::size_t count(std::string_view name) const;
};

class RawClient {
 public:
  using Timeout = std::chrono::milliseconds;

  // Connects to host:port; with `tls`, completes the handshake first. Throws std::runtime_error.
  RawClient(const std::string& host, int port, bool tls);
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends every byte; throws std::runtime_error when it cannot.
  void send(std::string_view bytes);
  // Everything up to and including `delimiter`, or nullopt at a timeout or the end of the stream.
  std::optional<std::string> read_until(std::string_view delimiter, Timeout timeout = Timeout(5000));
  std::optional<std::string> read_exactly(std::size_t size, Timeout timeout = Timeout(5000));
  // One response: the head, then as many body bytes as its Content-Length says (a strict reader:
  // without a Content-Length it takes no body, so stray bytes show up in front of the next response).
  std::optional<RawResponse> read_response(Timeout timeout = Timeout(5000));
  // True when the server ends the stream (close, TLS close_notify or reset) within the timeout; bytes
  // that arrive before are kept in buffered().
  bool closed_by_server(Timeout timeout = Timeout(2000));
  const std::string& buffered() const { return buffer_; }
  // Closes now; with `reset`, the server sees a TCP reset instead of an orderly close.
  void close(bool reset = false);

 private:
  enum class Got { data, timeout, end };
  Got fill(std::chrono::steady_clock::time_point deadline);
  bool wait(short events, std::chrono::steady_clock::time_point deadline) const;

  int fd_ = -1;
  SSL_CTX* context_ = nullptr;
  SSL* tls_ = nullptr;
  std::string buffer_;
};

}  // namespace margo::testing
