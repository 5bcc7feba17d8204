#include "raw_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include "test_pki.hpp"

namespace margo::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return std::string(text);
}

RawResponse parse_head(std::string head) {
  RawResponse response;
  response.head = std::move(head);
  std::string_view rest = response.head;
  const auto line_end = rest.find("\r\n");
  const std::string_view status_line = rest.substr(0, line_end);
  if (status_line.size() >= 12 && status_line.substr(0, 5) == "HTTP/")
    response.status = std::stoi(std::string(status_line.substr(9, 3)));
  rest.remove_prefix(line_end + 2);
  while (rest.size() > 2) {
    const auto end = rest.find("\r\n");
    const std::string_view line = rest.substr(0, end);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos)
      response.headers.add(std::string(line.substr(0, colon)), trimmed(line.substr(colon + 1)));
    rest.remove_prefix(end + 2);
  }
  return response;
}

}  // namespace

std::size_t RawResponse::count(std::string_view name) const {
  return static_cast<std::size_t>(std::count_if(
      headers.begin(), headers.end(), [&](const HttpHeader& field) { return iequals(field.name, name); }));
}

RawClient::RawClient(const std::string& host, int port, bool tls) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0)
    throw std::runtime_error("bad address " + host);
  fd_ = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const bool connected = fd_ >= 0 && ::connect(fd_, found->ai_addr, found->ai_addrlen) == 0;
  freeaddrinfo(found);
  if (!connected) {
    close();
    throw std::runtime_error("cannot connect to " + host + ":" + std::to_string(port));
  }
  ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  if (!tls) return;
  context_ = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(context_, test_pki().ca_certificate_file.c_str(), nullptr);
  SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
  tls_ = SSL_new(context_);
  SSL_set_fd(tls_, fd_);
  SSL_set_options(tls_, SSL_OP_IGNORE_UNEXPECTED_EOF);
  SSL_set1_host(tls_, "127.0.0.1");
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  for (;;) {
    const int result = SSL_connect(tls_);
    if (result == 1) return;
    const int error = SSL_get_error(tls_, result);
    const short events = error == SSL_ERROR_WANT_READ ? POLLIN : error == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (events == 0 || !wait(events, deadline)) {
      close();
      throw std::runtime_error("TLS handshake failed");
    }
  }
}

RawClient::~RawClient() {
  close();
}

void RawClient::close(bool reset) {
  if (tls_ != nullptr) SSL_free(tls_);
  tls_ = nullptr;
  if (context_ != nullptr) SSL_CTX_free(context_);
  context_ = nullptr;
  if (fd_ >= 0) {
    if (reset) {
      const linger abort{1, 0};
      setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof(abort));
    }
    ::close(fd_);
  }
  fd_ = -1;
}

bool RawClient::wait(short events, Clock::time_point deadline) const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  if (left <= 0) return false;
  pollfd watch{fd_, events, 0};
  return ::poll(&watch, 1, static_cast<int>(left)) > 0;
}

void RawClient::send(std::string_view bytes) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (!bytes.empty()) {
    if (fd_ < 0) throw std::runtime_error("send on a closed client");
    if (tls_ != nullptr) {
      std::size_t written = 0;
      const int result = SSL_write_ex(tls_, bytes.data(), bytes.size(), &written);
      if (result == 1) {
        bytes.remove_prefix(written);
        continue;
      }
      const int error = SSL_get_error(tls_, result);
      const short events = error == SSL_ERROR_WANT_READ    ? POLLIN
                           : error == SSL_ERROR_WANT_WRITE ? POLLOUT
                                                           : 0;
      if (events == 0 || !wait(events, deadline)) throw std::runtime_error("TLS send failed");
      continue;
    }
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    } else if (errno == EINTR || ((errno == EAGAIN || errno == EWOULDBLOCK) && wait(POLLOUT, deadline))) {
      continue;
    } else {
      throw std::runtime_error("send failed");
    }
  }
}

RawClient::Got RawClient::fill(Clock::time_point deadline) {
  char chunk[16 * 1024];
  for (;;) {
    if (fd_ < 0) return Got::end;
    if (tls_ != nullptr) {
      const int got = SSL_read(tls_, chunk, sizeof(chunk));
      if (got > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(got));
        return Got::data;
      }
      const int error = SSL_get_error(tls_, got);
      ERR_clear_error();
      if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        if (!wait(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) return Got::timeout;
        continue;
      }
      return Got::end;
    }
    const ssize_t got = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (got > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(got));
      return Got::data;
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!wait(POLLIN, deadline)) return Got::timeout;
      continue;
    }
    return Got::end;  // closed or reset
  }
}

std::optional<std::string> RawClient::read_until(std::string_view delimiter, Timeout timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto found = buffer_.find(delimiter);
    if (found != std::string::npos) {
      std::string taken = buffer_.substr(0, found + delimiter.size());
      buffer_.erase(0, taken.size());
      return taken;
    }
    if (fill(deadline) != Got::data) return std::nullopt;
  }
}

std::optional<std::string> RawClient::read_exactly(std::size_t size, Timeout timeout) {
  const auto deadline = Clock::now() + timeout;
  while (buffer_.size() < size)
    if (fill(deadline) != Got::data) return std::nullopt;
  std::string taken = buffer_.substr(0, size);
  buffer_.erase(0, size);
  return taken;
}

std::optional<RawResponse> RawClient::read_response(Timeout timeout) {
  auto head = read_until("\r\n\r\n", timeout);
  if (!head) return std::nullopt;
  RawResponse response = parse_head(std::move(*head));
  if (const auto length = response.headers.get("Content-Length")) {
    auto body = read_exactly(static_cast<std::size_t>(std::stoull(*length)), timeout);
    if (!body) return std::nullopt;
    response.body = std::move(*body);
  }
  return response;
}

bool RawClient::closed_by_server(Timeout timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    switch (fill(deadline)) {
      case Got::data:
        continue;
      case Got::timeout:
        return false;
      case Got::end:
        return true;
    }
  }
}

}  // namespace margo::testing
