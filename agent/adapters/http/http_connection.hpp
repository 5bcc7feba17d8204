#pragma once
// One client connection, TCP and then TLS for https, driven by the event loop with non-blocking
// sockets: no thread, no blocking call. It opens once, then carries one exchange at a time while the
// server keeps it alive. Every task it leaves on the loop holds only a weak reference, so it may be
// dropped at any point; once closed or destroyed, none of its callbacks runs.

#include <openssl/ssl.h>
#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/adapters/event_loop.hpp"
#include "agent/adapters/http/response_reader.hpp"
#include "agent/adapters/http/socket_address.hpp"
#include "agent/adapters/http/tls_context.hpp"

namespace margo {

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  struct Timeouts {
    Duration connect;  // TCP connect and TLS handshake together
    Duration read;     // longest silence while a response is awaited, or a request cannot be sent
  };
  using Opened = std::function<void(Status)>;
  using Exchanged = std::function<void(Result<HttpResponse>)>;

  // `tls` null: plain TCP. `host` is the name the server's certificate must carry.
  HttpConnection(EventLoop& loop, TlsContext tls, std::string host, Timeouts timeouts);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Connects to the first address that accepts, then completes the TLS handshake and the certificate
  // check. Errors: http.connect_failed, http.timeout, http.tls_failed (security).
  void open(std::vector<SocketAddress> addresses, Opened done);
  // Sends one request (its bytes as written by write_request) and reads its response. Errors:
  // http.connection_lost, http.timeout, http.bad_response, http.response_too_large.
  void exchange(std::string request_bytes, bool head_request, std::size_t max_body_bytes, Exchanged done);

  // After an exchange failed: whether any byte of a response had arrived.
  bool response_started() const { return response_started_; }
  // After an exchange: the server lets this connection carry another request.
  bool reusable() const { return phase_ == Phase::idle && reusable_; }
  // An idle connection the server has not closed, and on which it sent nothing unasked.
  bool still_open();
  // Ends the connection; no callback of it runs afterwards.
  void close();

 private:
  enum class Phase { fresh, connecting, handshaking, idle, writing, reading, closed };
  using Step = void (HttpConnection::*)();

  void connect_next_address();
  void on_connected();
  void handshake();
  void write_request();
  void read_response();
  void finish_reading(ResponseReader::Progress progress);

  void await(EventLoop::Readiness readiness, Step step);
  void start_phase_clock(Duration limit);
  void arm_phase_timer();
  void on_phase_timer();
  void stop_io();
  void fail_open(Error error);
  void fail_exchange(Error error);

  // Transport I/O: > 0 bytes moved; 0 end of stream (reads); -1 would block (see wants_write_);
  // -2 failed (see io_error_).
  long read_some(char* buffer, std::size_t size);
  long write_some(const char* data, std::size_t size);
  long socket_outcome(ssize_t count);
  long tls_outcome(bool done, std::size_t count);

  EventLoop& loop_;
  const TlsContext tls_context_;
  const std::string host_;
  const Timeouts timeouts_;
  int fd_ = -1;
  SSL* tls_ = nullptr;
  Phase phase_ = Phase::fresh;
  std::optional<EventLoop::WatchId> watch_;
  std::optional<Executor::TimerId> timer_;
  MonoTime last_progress_{0};
  Duration phase_limit_{0};

  std::vector<SocketAddress> addresses_;
  std::size_t next_address_ = 0;
  std::string connect_failures_;
  Opened opened_;

  std::string request_bytes_;
  std::size_t written_ = 0;
  std::optional<ResponseReader> reader_;
  Exchanged exchanged_;
  bool response_started_ = false;
  bool reusable_ = false;
  bool wants_write_ = false;  // the last I/O call would block until the socket is writable
  std::string io_error_;      // why the last I/O call failed
};

}  // namespace margo
