// One accepted connection of HttpServer, on its own thread with a blocking socket: the TLS handshake,
// requests parsed by Boost.Beast from our own buffer (pipelined bytes kept for the next request),
// 100 Continue, the handler's response framed by frame_response, keep-alive until the idle timeout.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "agent/adapters/http_server_connection.hpp"
#include "agent/openssl/socket_bio.hpp"

namespace margo::http_server_internal {
namespace {

namespace http = boost::beast::http;
using Parser = http::request_parser<http::string_body>;

constexpr std::size_t kReadChunk = 16 * 1024;
// When the server closes after a response, it reads and discards what the client still sends for a
// while: closing with unread bytes would send a reset, which can destroy the response before the
// client reads it (a 413 while the client is still sending its body).
constexpr std::chrono::milliseconds kLingerTime{500};
constexpr std::size_t kLingerBytes = 1024 * 1024;

int poll_milliseconds(std::chrono::milliseconds wait) {
  return static_cast<int>(
      std::clamp<std::chrono::milliseconds::rep>(wait.count(), 0, std::numeric_limits<int>::max()));
}

// Waits until `fd` is readable (or closed); false on timeout.
bool wait_readable(int fd, std::chrono::milliseconds wait) {
  pollfd watch{fd, POLLIN, 0};
  int ready = 0;
  do ready = ::poll(&watch, 1, poll_milliseconds(wait));
  while (ready < 0 && errno == EINTR);
  return ready > 0;
}

void set_timeout(int fd, int option, std::chrono::milliseconds timeout) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
  timeval value{};
  value.tv_sec = static_cast<time_t>(micros / 1000000);
  value.tv_usec = static_cast<suseconds_t>(micros % 1000000);
  setsockopt(fd, SOL_SOCKET, option, &value, sizeof(value));
}

int status_for(const boost::beast::error_code& error) {
  if (error == http::error::body_limit) return 413;
  if (error == http::error::header_limit) return 431;
  return 400;
}

std::string text(boost::beast::string_view view) {
  return std::string(view.data(), view.size());
}

std::string_view trimmed(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

// The header fields in the order received, from a head the parser has accepted (Beast's own fields
// group equal names together): one field per line after the request line, obs-fold lines joined.
HttpHeaders fields_in_order(std::string_view head) {
  std::vector<HttpHeader> fields;
  const auto request_line_end = head.find("\r\n");
  head.remove_prefix(request_line_end == std::string_view::npos ? head.size() : request_line_end + 2);
  while (!head.empty()) {
    const auto end = head.find("\r\n");
    const std::string_view line = head.substr(0, end);
    head.remove_prefix(end == std::string_view::npos ? head.size() : end + 2);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (!fields.empty()) fields.back().value += " " + std::string(trimmed(line));
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    fields.push_back({std::string(line.substr(0, colon)), std::string(trimmed(line.substr(colon + 1)))});
  }
  HttpHeaders headers;
  for (HttpHeader& field : fields) headers.add(std::move(field.name), std::move(field.value));
  return headers;
}

class Connection {
 public:
  Connection(int fd, const ConnectionContext& context) : fd_(fd), context_(context) {}
  ~Connection() {
    if (tls_ != nullptr) SSL_free(tls_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void run();

 private:
  enum class Outcome { keep_open, close, idle_timeout, drop };
  enum class Received { data, timeout, closed };

  bool handshake();
  Received receive(bool idle);
  bool send_all(std::string_view bytes);
  Outcome serve_one(bool first, bool last);
  std::optional<Outcome> parse(Parser& parser, bool until_header, bool idle);
  Outcome reject(int status);
  void send_close_notify();
  void close_gracefully();

  const int fd_;
  const ConnectionContext& context_;
  SSL* tls_ = nullptr;
  std::string buffer_;  // received, not yet parsed
  std::string head_;    // the head of the request being served, as received
};

void Connection::run() {
  const int yes = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  set_timeout(fd_, SO_RCVTIMEO, context_.options.io_timeout);
  set_timeout(fd_, SO_SNDTIMEO, context_.options.io_timeout);
  if (context_.tls != nullptr && !handshake()) return;
  const std::size_t most = std::max<std::size_t>(1, context_.options.keep_alive_max_requests);
  for (std::size_t served = 0; served < most; ++served) {
    switch (serve_one(served == 0, served + 1 == most)) {
      case Outcome::keep_open:
        continue;
      case Outcome::close:
        return close_gracefully();
      case Outcome::idle_timeout:
        return send_close_notify();
      case Outcome::drop:
        return;
    }
  }
}

bool Connection::handshake() {
  tls_ = SSL_new(context_.tls);
  BIO* bio = tls_ != nullptr ? make_nosignal_socket_bio(fd_) : nullptr;
  if (bio == nullptr) return false;
  SSL_set_bio(tls_, bio, bio);
  ERR_clear_error();
  const bool done = SSL_accept(tls_) == 1;
  ERR_clear_error();
  return done;
}

// Appends what arrives to buffer_. `idle`: between requests, where the keep-alive timeout applies.
Connection::Received Connection::receive(bool idle) {
  const bool tls_buffered = tls_ != nullptr && SSL_has_pending(tls_) == 1;
  if (idle && !tls_buffered && !wait_readable(fd_, context_.options.keep_alive_timeout))
    return Received::timeout;
  char chunk[kReadChunk];
  if (tls_ != nullptr) {
    ERR_clear_error();
    const int got = SSL_read(tls_, chunk, sizeof(chunk));
    ERR_clear_error();
    if (got <= 0) return Received::closed;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return Received::data;
  }
  ssize_t got = 0;
  do got = ::recv(fd_, chunk, sizeof(chunk), 0);
  while (got < 0 && errno == EINTR);
  if (got <= 0) return Received::closed;
  buffer_.append(chunk, static_cast<std::size_t>(got));
  return Received::data;
}

bool Connection::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    if (tls_ != nullptr) {
      ERR_clear_error();
      std::size_t written = 0;
      const bool wrote = SSL_write_ex(tls_, bytes.data(), bytes.size(), &written) == 1;
      ERR_clear_error();
      if (!wrote) return false;
      bytes.remove_prefix(written);
      continue;
    }
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

// Feeds buffered bytes, then received ones, to the parser until the head (until_header) or the whole
// request is parsed: nullopt then; otherwise what becomes of the connection.
std::optional<Connection::Outcome> Connection::parse(Parser& parser, bool until_header, bool idle) {
  const auto finished = [&] { return until_header ? parser.is_header_done() : parser.is_done(); };
  bool need_bytes = buffer_.empty();
  while (!finished()) {
    if (need_bytes) {
      switch (receive(idle)) {
        case Received::data:
          break;
        case Received::timeout:
          return Outcome::idle_timeout;
        case Received::closed:
          return Outcome::drop;  // the client went (or stop()), mid-request or between requests
      }
      idle = false;
    }
    boost::beast::error_code error;
    const std::size_t used = parser.put(boost::asio::buffer(buffer_.data(), buffer_.size()), error);
    // Beast takes a head a line or a field at a time; all it takes before the head is done is head.
    if (until_header) head_.append(buffer_, 0, used);
    buffer_.erase(0, used);
    if (error == http::error::need_more) {
      need_bytes = true;
      continue;
    }
    if (error) return reject(status_for(error));
    need_bytes = buffer_.empty() || used == 0;
  }
  return std::nullopt;
}

Connection::Outcome Connection::serve_one(bool first, bool last) {
  head_.clear();
  Parser parser;
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(context_.options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(static_cast<std::uint64_t>(context_.options.max_body_bytes));
  if (auto outcome = parse(parser, /*until_header=*/true, /*idle=*/!first)) return *outcome;

  const unsigned version = parser.get().version();  // 10 or 11: Beast refuses others
  const auto expect = parser.get().find(http::field::expect);
  if (expect != parser.get().end()) {
    if (!iequals(text(expect->value()), "100-continue")) return reject(417);
    // The client waits for this before it sends the body (HTTP/1.0 clients do not know it).
    if (version == 11 && !parser.is_done() && !send_all("HTTP/1.1 100 Continue\r\n\r\n"))
      return Outcome::drop;
  }
  // Never eager: Beast 1.74 in eager mode goes on after a head it has just refused (a Content-Length
  // over body_limit); without it each put() takes one piece of the body, and parse() calls it again.
  if (auto outcome = parse(parser, /*until_header=*/false, /*idle=*/false)) return *outcome;

  const bool keep_alive = parser.keep_alive();
  auto message = parser.release();
  HttpRequest request;
  request.method = text(message.method_string());
  request.headers = fields_in_order(head_);
  const std::string host = request.headers.get("Host").value_or("");
  request.url = context_.scheme + "://" + (host.empty() ? context_.authority : host) + text(message.target());
  request.body = std::move(message.body());

  const HttpResponse response = context_.handle(request);
  const bool stopping = context_.stopping != nullptr && context_.stopping->load();
  ResponseFraming framing;
  framing.head_request = message.method() == http::verb::head;
  framing.close = !keep_alive || last || stopping || asks_to_close(response.headers);
  framing.keep_alive_1_0 = !framing.close && version == 10;
  if (!send_all(frame_response(response, framing))) return Outcome::drop;
  return framing.close ? Outcome::close : Outcome::keep_open;
}

// A request the server cannot take: an error response, then the connection closes.
Connection::Outcome Connection::reject(int status) {
  ResponseFraming framing;
  framing.close = true;
  if (!send_all(frame_response(error_response(status), framing))) return Outcome::drop;
  return Outcome::close;
}

void Connection::send_close_notify() {
  if (tls_ == nullptr) return;
  ERR_clear_error();
  SSL_shutdown(tls_);
  ERR_clear_error();
}

void Connection::close_gracefully() {
  send_close_notify();
  ::shutdown(fd_, SHUT_WR);
  const auto deadline = std::chrono::steady_clock::now() + kLingerTime;
  char chunk[kReadChunk];
  for (std::size_t drained = 0; drained < kLingerBytes;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !wait_readable(fd_, left)) return;
    const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return;  // the client closed too (or stop() shut the socket down)
    drained += static_cast<std::size_t>(got);
  }
}

}  // namespace

void serve_connection(int fd, const ConnectionContext& context) {
  try {
    Connection(fd, context).run();
  } catch (...) {
    // Out of memory while framing, say: this connection ends, the server goes on.
  }
}

}  // namespace margo::http_server_internal
