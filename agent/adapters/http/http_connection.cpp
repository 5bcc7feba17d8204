#include "agent/adapters/http/http_connection.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "agent/openssl/openssl_handles.hpp"
#include "agent/openssl/socket_bio.hpp"

namespace margo {
namespace {

constexpr std::size_t kReadChunk = 16 * 1024;

std::string errno_text(int number) {
  return number == 0 ? "closed by the server" : std::strerror(number);
}

}  // namespace

HttpConnection::HttpConnection(EventLoop& loop, TlsContext tls, std::string host, Timeouts timeouts)
    : loop_(loop), tls_context_(std::move(tls)), host_(std::move(host)), timeouts_(timeouts) {}

HttpConnection::~HttpConnection() {
  close();
}

void HttpConnection::close() {
  stop_io();
  if (tls_ != nullptr) SSL_free(tls_);
  tls_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  phase_ = Phase::closed;
  opened_ = nullptr;
  exchanged_ = nullptr;
}

void HttpConnection::stop_io() {
  if (watch_) loop_.cancel_watch(*watch_);
  watch_.reset();
  if (timer_) loop_.cancel(*timer_);
  timer_.reset();
}

void HttpConnection::await(EventLoop::Readiness readiness, Step step) {
  watch_ = loop_.when_ready(fd_, readiness, [weak = weak_from_this(), step] {
    const auto self = weak.lock();
    if (!self) return;
    self->watch_.reset();
    ((*self).*step)();
  });
  arm_phase_timer();
}

// Each phase has a limit on how long it may go without progress; one timer, re-armed lazily, checks it.
void HttpConnection::start_phase_clock(Duration limit) {
  phase_limit_ = limit;
  last_progress_ = loop_.now();
}

void HttpConnection::arm_phase_timer() {
  if (timer_) return;
  const Duration left = phase_limit_ - (loop_.now() - last_progress_);
  timer_ = loop_.schedule_after(std::max(left, Duration(0)), [weak = weak_from_this()] {
    if (const auto self = weak.lock()) self->on_phase_timer();
  });
}

void HttpConnection::on_phase_timer() {
  timer_.reset();
  if (loop_.now() - last_progress_ < phase_limit_) return arm_phase_timer();
  switch (phase_) {
    case Phase::connecting:
      return fail_open(retryable_error("http.timeout", "connect timed out"));
    case Phase::handshaking:
      return fail_open(retryable_error("http.timeout", "TLS handshake timed out"));
    case Phase::writing:
      return fail_exchange(
          retryable_error("http.timeout", "the request could not be sent within the timeout"));
    case Phase::reading:
      return fail_exchange(retryable_error("http.timeout", "no data within the timeout"));
    default:
      return;
  }
}

void HttpConnection::open(std::vector<SocketAddress> addresses, Opened done) {
  addresses_ = std::move(addresses);
  opened_ = std::move(done);
  phase_ = Phase::connecting;
  start_phase_clock(timeouts_.connect);
  connect_next_address();
}

void HttpConnection::connect_next_address() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (next_address_ >= addresses_.size())
    return fail_open(retryable_error("http.connect_failed", "cannot connect: " + connect_failures_));
  const SocketAddress& address = addresses_[next_address_++];
  fd_ = ::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0)
    return fail_open(retryable_error("http.connect_failed", "cannot make a socket: " + errno_text(errno)));
  const int on = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (::connect(fd_, address.get(), address.length) == 0) return on_connected();
  if (errno == EINPROGRESS) return await(EventLoop::Readiness::writable, &HttpConnection::on_connected);
  connect_failures_ += (connect_failures_.empty() ? "" : "; ") + address.text + " " + errno_text(errno);
  connect_next_address();
}

void HttpConnection::on_connected() {
  int failure = 0;
  socklen_t size = sizeof failure;
  if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &failure, &size) != 0) failure = errno;
  if (failure != 0) {
    const SocketAddress& address = addresses_[next_address_ - 1];
    connect_failures_ += (connect_failures_.empty() ? "" : "; ") + address.text + " " + errno_text(failure);
    return connect_next_address();
  }
  if (!tls_context_) {
    phase_ = Phase::idle;
    stop_io();
    if (auto done = std::move(opened_)) done(Status{});
    return;
  }
  ERR_clear_error();
  tls_ = SSL_new(tls_context_.get());
  BIO* bio = tls_ != nullptr ? make_nosignal_socket_bio(fd_) : nullptr;
  if (bio == nullptr)
    return fail_open(retryable_error("http.tls_failed", "cannot set up TLS: " + take_openssl_errors()));
  SSL_set_bio(tls_, bio, bio);
  // Some servers close without close_notify; framing, not the TLS close, says where a response ends.
  SSL_set_options(tls_, SSL_OP_IGNORE_UNEXPECTED_EOF);
  if (!expect_peer_name(tls_, host_))
    return fail_open(
        security_error("http.tls_failed", "cannot set the expected server name: " + take_openssl_errors()));
  phase_ = Phase::handshaking;
  handshake();
}

void HttpConnection::handshake() {
  ERR_clear_error();
  const int result = SSL_connect(tls_);
  if (result == 1) {
    phase_ = Phase::idle;
    stop_io();
    if (auto done = std::move(opened_)) done(Status{});
    return;
  }
  switch (SSL_get_error(tls_, result)) {
    case SSL_ERROR_WANT_READ:
      return await(EventLoop::Readiness::readable, &HttpConnection::handshake);
    case SSL_ERROR_WANT_WRITE:
      return await(EventLoop::Readiness::writable, &HttpConnection::handshake);
    case SSL_ERROR_SYSCALL:
      if (ERR_peek_error() == 0)
        return fail_open(security_error(
            "http.tls_failed",
            "TLS handshake failed: the connection ended during the handshake (" + errno_text(errno) + ")"));
      [[fallthrough]];
    default:
      return fail_open(security_error("http.tls_failed", tls_failure_reason(tls_, host_)));
  }
}

void HttpConnection::fail_open(Error error) {
  auto done = std::move(opened_);
  close();
  if (done) done(std::move(error));
}

void HttpConnection::exchange(std::string request_bytes, bool head_request, std::size_t max_body_bytes,
                              Exchanged done) {
  request_bytes_ = std::move(request_bytes);
  written_ = 0;
  reader_.emplace(head_request, max_body_bytes);
  exchanged_ = std::move(done);
  response_started_ = false;
  reusable_ = false;
  phase_ = Phase::writing;
  start_phase_clock(timeouts_.read);
  write_request();
}

void HttpConnection::write_request() {
  while (written_ < request_bytes_.size()) {
    const long count = write_some(request_bytes_.data() + written_, request_bytes_.size() - written_);
    if (count == -1)
      return await(wants_write_ ? EventLoop::Readiness::writable : EventLoop::Readiness::readable,
                   &HttpConnection::write_request);
    if (count == 0) io_error_ = "closed by the server";  // a TLS close_notify: nothing more goes out
    if (count <= 0)
      return fail_exchange(
          retryable_error("http.connection_lost", "connection lost while sending: " + io_error_));
    written_ += static_cast<std::size_t>(count);
    last_progress_ = loop_.now();
  }
  request_bytes_.clear();
  request_bytes_.shrink_to_fit();
  phase_ = Phase::reading;
  last_progress_ = loop_.now();
  read_response();
}

void HttpConnection::read_response() {
  char buffer[kReadChunk];
  for (;;) {
    const long count = read_some(buffer, sizeof buffer);
    if (count == -1)
      return await(wants_write_ ? EventLoop::Readiness::writable : EventLoop::Readiness::readable,
                   &HttpConnection::read_response);
    if (count == -2) {
      // A reset after a complete response head may still end a body delimited by closing; the
      // reader decides. Nothing received at all: the server dropped the connection.
      if (!reader_->received_anything())
        return fail_exchange(retryable_error("http.connection_lost", "connection lost: " + io_error_));
      return finish_reading(reader_->end_of_stream());
    }
    if (count == 0) return finish_reading(reader_->end_of_stream());
    response_started_ = true;
    last_progress_ = loop_.now();
    const auto progress = reader_->feed(buffer, static_cast<std::size_t>(count));
    if (progress != ResponseReader::Progress::need_more) return finish_reading(progress);
  }
}

void HttpConnection::finish_reading(ResponseReader::Progress progress) {
  if (progress == ResponseReader::Progress::failed) {
    switch (reader_->failure()) {
      case ResponseReader::Failure::too_large:
        return fail_exchange(permanent_error("http.response_too_large", reader_->failure_reason()));
      case ResponseReader::Failure::truncated:
        return fail_exchange(retryable_error("http.connection_lost", reader_->failure_reason()));
      default:
        return fail_exchange(retryable_error("http.bad_response", reader_->failure_reason()));
    }
  }
  stop_io();
  phase_ = Phase::idle;
  reusable_ = reader_->connection_reusable();
  HttpResponse response = reader_->take_response();
  reader_.reset();
  if (auto done = std::move(exchanged_)) done(std::move(response));
}

void HttpConnection::fail_exchange(Error error) {
  auto done = std::move(exchanged_);
  close();
  if (done) done(std::move(error));
}

bool HttpConnection::still_open() {
  if (phase_ != Phase::idle || fd_ < 0) return false;
  pollfd descriptor{fd_, POLLIN, 0};
  if (::poll(&descriptor, 1, 0) == 0) return true;
  if (tls_ == nullptr) return false;  // plain: readable while idle means closed, or bytes nobody asked for
  // TLS: the readable bytes may be only post-handshake messages (session tickets), which OpenSSL takes
  // in without returning application data.
  char byte;
  ERR_clear_error();
  const int count = SSL_read(tls_, &byte, 1);
  const bool only_handshake_messages = count <= 0 && SSL_get_error(tls_, count) == SSL_ERROR_WANT_READ;
  ERR_clear_error();
  return only_handshake_messages;
}

long HttpConnection::socket_outcome(ssize_t count) {
  if (count >= 0) return count;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return -1;
  io_error_ = errno_text(errno);
  return -2;
}

long HttpConnection::tls_outcome(bool done, std::size_t count) {
  if (done) return static_cast<long>(count);
  switch (SSL_get_error(tls_, 0)) {
    case SSL_ERROR_WANT_READ:
      wants_write_ = false;
      return -1;
    case SSL_ERROR_WANT_WRITE:
      wants_write_ = true;
      return -1;
    case SSL_ERROR_ZERO_RETURN:
      return 0;
    case SSL_ERROR_SYSCALL:
      io_error_ = ERR_peek_error() == 0 ? errno_text(errno) : take_openssl_errors();
      return -2;
    default:
      io_error_ = "TLS: " + take_openssl_errors();
      return -2;
  }
}

long HttpConnection::read_some(char* buffer, std::size_t size) {
  wants_write_ = false;
  if (tls_ == nullptr) return socket_outcome(::recv(fd_, buffer, size, 0));
  ERR_clear_error();
  std::size_t count = 0;
  const bool done = SSL_read_ex(tls_, buffer, size, &count) == 1;
  return tls_outcome(done, count);
}

long HttpConnection::write_some(const char* data, std::size_t size) {
  wants_write_ = true;
  if (tls_ == nullptr) return socket_outcome(::send(fd_, data, size, MSG_NOSIGNAL));
  ERR_clear_error();
  std::size_t count = 0;
  const bool done = SSL_write_ex(tls_, data, size, &count) == 1;
  return tls_outcome(done, count);
}

}  // namespace margo
