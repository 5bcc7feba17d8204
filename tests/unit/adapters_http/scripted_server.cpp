#include "tests/unit/adapters_http/scripted_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace margo::testing {

struct ScriptedServer::Connection {
  int fd = -1;
  SSL* tls = nullptr;
  int number = 0;
  bool idle = false;               // waiting for the next request (guarded by the server's mutex)
  bool close_after_reply = false;  // close_idle_connections() came while a reply was being made
  std::string pending;             // bytes read past the current request

  ~Connection() {
    if (tls != nullptr) SSL_free(tls);
    if (fd >= 0) ::close(fd);
  }

  int read_some(char* buffer, int size) {
    if (tls != nullptr) return SSL_read(tls, buffer, size);
    return static_cast<int>(::recv(fd, buffer, static_cast<std::size_t>(size), 0));
  }

  bool write_all(const std::string& bytes) {
    std::size_t written = 0;
    while (written < bytes.size()) {
      const int chunk = static_cast<int>(bytes.size() - written);
      const int count = tls != nullptr
                            ? SSL_write(tls, bytes.data() + written, chunk)
                            : static_cast<int>(::send(fd, bytes.data() + written,
                                                      static_cast<std::size_t>(chunk), MSG_NOSIGNAL));
      if (count <= 0) return false;
      written += static_cast<std::size_t>(count);
    }
    return true;
  }

  // Reads one request: its head, then as many body bytes as its Content-Length says.
  bool read_request(ReceivedRequest& request) {
    char buffer[16384];
    std::size_t head_end;
    while ((head_end = pending.find("\r\n\r\n")) == std::string::npos) {
      const int count = read_some(buffer, sizeof buffer);
      if (count <= 0) return false;
      pending.append(buffer, static_cast<std::size_t>(count));
    }
    request.head = pending.substr(0, head_end + 4);
    pending.erase(0, head_end + 4);
    const auto first_space = request.head.find(' ');
    const auto second_space = request.head.find(' ', first_space + 1);
    request.method = request.head.substr(0, first_space);
    request.target = request.head.substr(first_space + 1, second_space - first_space - 1);
    std::size_t length = 0;
    for (const char* name : {"\r\nContent-Length:", "\r\ncontent-length:"}) {
      const auto at = request.head.find(name);
      if (at != std::string::npos) length = std::strtoul(request.head.c_str() + at + 17, nullptr, 10);
    }
    while (pending.size() < length) {
      const int count = read_some(buffer, sizeof buffer);
      if (count <= 0) return false;
      pending.append(buffer, static_cast<std::size_t>(count));
    }
    request.body = pending.substr(0, length);
    pending.erase(0, length);
    request.connection = number;
    return true;
  }
};

ScriptedReply raw_reply(std::string bytes, bool close_after) {
  ScriptedReply reply;
  reply.pieces.push_back({std::move(bytes), std::chrono::milliseconds(0)});
  reply.close_after = close_after;
  return reply;
}

ScriptedServer::ScriptedServer(const TlsIdentity* identity, Script script,
                               const std::function<void(SSL_CTX*)>& tune)
    : script_(std::move(script)) {
  // Clients here hang up in the middle of answers on purpose; OpenSSL writes with write(2).
  ::signal(SIGPIPE, SIG_IGN);
  if (identity != nullptr) {
    context_.reset(SSL_CTX_new(TLS_server_method()));
    if (SSL_CTX_use_certificate(context_.get(), identity->certificate.get()) != 1 ||
        SSL_CTX_use_PrivateKey(context_.get(), identity->key.get()) != 1)
      throw std::runtime_error("scripted server: the identity is not usable");
    if (tune) tune(context_.get());
  }
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), size) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &size) != 0)
    throw std::runtime_error("scripted server: cannot listen on 127.0.0.1");
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ScriptedServer::~ScriptedServer() {
  stopping_ = true;
  ::shutdown(listen_fd_, SHUT_RDWR);
  acceptor_.join();
  ::close(listen_fd_);
  {
    std::lock_guard lock(mutex_);
    for (const auto& connection : open_) ::shutdown(connection->fd, SHUT_RDWR);
  }
  for (std::thread& thread : threads_) thread.join();
}

std::string ScriptedServer::base_url() const {
  return std::string(context_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
}

void ScriptedServer::close_idle_connections() {
  std::lock_guard lock(mutex_);
  for (const auto& connection : open_) {
    if (connection->idle)
      ::shutdown(connection->fd, SHUT_RDWR);
    else
      connection->close_after_reply = true;
  }
}

void ScriptedServer::accept_loop() {
  while (!stopping_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    auto connection = std::make_shared<Connection>();
    connection->fd = fd;
    connection->number = ++connections_;
    std::lock_guard lock(mutex_);
    open_.push_back(connection);
    threads_.emplace_back([this, connection] { serve(connection); });
  }
}

void ScriptedServer::serve(const std::shared_ptr<Connection>& connection) {
  if (context_) {
    connection->tls = SSL_new(context_.get());
    SSL_set_fd(connection->tls, connection->fd);
    if (SSL_accept(connection->tls) != 1) return;
  }
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      connection->idle = true;
    }
    ReceivedRequest request;
    if (!connection->read_request(request)) break;
    {
      std::lock_guard lock(mutex_);
      connection->idle = false;
    }
    ++requests_;
    const ScriptedReply reply = script_(request);
    bool written = true;
    for (const auto& piece : reply.pieces) {
      written = connection->write_all(piece.bytes);
      if (!written || stopping_) break;
      if (piece.pause_after.count() > 0) std::this_thread::sleep_for(piece.pause_after);
    }
    bool close_now = !written || reply.close_after || stopping_;
    {
      std::lock_guard lock(mutex_);
      close_now = close_now || connection->close_after_reply;
    }
    if (close_now) break;
  }
  ::shutdown(connection->fd, SHUT_RDWR);
}

}  // namespace margo::testing
