// HttpServer: TLS context, the listening socket, the acceptor thread, one thread per connection, and
// stop(). What a connection does is in http_server_connection.cpp.

#include "agent/adapters/http_server.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <list>
#include <mutex>
#include <system_error>
#include <thread>

#include "agent/adapters/http_server_connection.hpp"
#include "agent/openssl/openssl_handles.hpp"

namespace margo {
namespace {

using http_server_internal::ConnectionContext;

// After stop() has shut down the reading side of every connection: how long a response being written
// may take before its socket is shut down too.
constexpr std::chrono::milliseconds kStopGrace{500};

std::string host_for_url(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

void close_descriptor(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

Result<SSL_CTX*> make_tls_context(const HttpServerOptions& options) {
  const auto failed = [&](const std::string& what) {
    return permanent_error("server.tls_setup", "cannot use TLS certificate '" + options.tls_certificate_file +
                                                   "' with key '" + options.tls_private_key_file +
                                                   "': " + what + ": " + take_openssl_errors());
  };
  take_openssl_errors();
  SSL_CTX* context = SSL_CTX_new(TLS_server_method());
  if (context == nullptr) return failed("cannot create a TLS context");
  std::string problem;
  if (SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1) {
    problem = "cannot require TLS 1.2";
  } else if (SSL_CTX_use_certificate_chain_file(context, options.tls_certificate_file.c_str()) != 1) {
    problem = "cannot load the certificate chain";
  } else if (SSL_CTX_use_PrivateKey_file(context, options.tls_private_key_file.c_str(), SSL_FILETYPE_PEM) !=
             1) {
    problem = "cannot load the private key";
  } else if (SSL_CTX_check_private_key(context) != 1) {
    problem = "the key does not match the certificate";
  }
  if (problem.empty()) {
    SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION);
    return context;
  }
  auto error = failed(problem);
  SSL_CTX_free(context);
  return error;
}

// A listening socket on host:port (SO_REUSEADDR, never SO_REUSEPORT: a port in use stays refused).
Result<int> listen_on(const HttpServerOptions& options) {
  const std::string where = host_for_url(options.host) + ":" + std::to_string(options.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string port = std::to_string(options.port);
  const int looked_up =
      ::getaddrinfo(options.host.empty() ? nullptr : options.host.c_str(), port.c_str(), &hints, &found);
  if (looked_up != 0)
    return retryable_error("server.bind_failed",
                           "cannot listen on " + where + ": " + gai_strerror(looked_up));
  std::string reason = "no address";
  int listening = -1;
  for (const addrinfo* address = found; address != nullptr && listening < 0; address = address->ai_next) {
    const int fd = ::socket(address->ai_family, address->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                            address->ai_protocol);
    if (fd < 0) {
      reason = std::strerror(errno);
      continue;
    }
    const int yes = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    if (::bind(fd, address->ai_addr, address->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) {
      listening = fd;
    } else {
      reason = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listening < 0)
    return retryable_error("server.bind_failed", "cannot listen on " + where + ": " + reason);
  return listening;
}

int bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t size = sizeof(address);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return -1;
  if (address.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
}

}  // namespace

struct HttpServer::State {
  struct Slot {
    int fd = -1;  // -1 once the connection has ended; closed under `mutex`, so stop() never hits a reused fd
    std::thread thread;
  };

  HttpServerOptions options;
  HttpHandler handler;
  std::mutex handler_mutex;
  SSL_CTX* tls = nullptr;
  int listening = -1;
  int wake = -1;  // an eventfd: readable once stop() wants the acceptor to end
  ConnectionContext context;
  std::atomic<bool> stopping{false};
  std::thread acceptor;

  std::mutex mutex;  // guards the slots and `active`
  std::condition_variable ended;
  std::list<Slot> slots;
  std::size_t active = 0;

  std::mutex stop_mutex;
  bool stopped = false;

  ~State() {
    close_descriptor(listening);
    close_descriptor(wake);
    if (tls != nullptr) SSL_CTX_free(tls);
  }

  HttpResponse handle(const HttpRequest& request);
  void accept_loop();
  void admit(int fd);
  void finished(Slot& slot);
  std::list<Slot> take_ended();
  void stop();
};

HttpResponse HttpServer::State::handle(const HttpRequest& request) {
  std::lock_guard lock(handler_mutex);
  const auto failure = [](const std::string& what) {
    return HttpResponse{500, {{"Content-Type", "text/plain"}}, "handler failed: " + what};
  };
  try {
    HttpResponse response = handler(request);
    if (response.status < 100 || response.status > 999)
      return failure("invalid status code " + std::to_string(response.status));
    return response;
  } catch (const std::exception& error) {
    return failure(error.what());
  } catch (...) {
    return failure("unknown exception");
  }
}

void HttpServer::State::accept_loop() {
  for (;;) {
    pollfd watched[2] = {{listening, POLLIN, 0}, {wake, POLLIN, 0}};
    if (::poll(watched, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (watched[1].revents != 0) return;
    const int fd = ::accept4(listening, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) {
      admit(fd);
      continue;
    }
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED) continue;
    // Out of descriptors, say: pause a little instead of spinning, but wake for stop() at once.
    pollfd stop_watch{wake, POLLIN, 0};
    ::poll(&stop_watch, 1, 10);
  }
}

void HttpServer::State::admit(int fd) {
  for (Slot& ended_slot : take_ended()) ended_slot.thread.join();
  std::lock_guard lock(mutex);
  if (stopping || active >= options.max_connections) {
    ::close(fd);
    return;
  }
  Slot& slot = slots.emplace_back();
  slot.fd = fd;
  try {
    // Started under the lock: the thread cannot reach finished() before `slot.thread` is set.
    slot.thread = std::thread([this, &slot] {
      http_server_internal::serve_connection(slot.fd, context);
      finished(slot);
    });
    ++active;
  } catch (const std::system_error&) {
    ::close(fd);
    slots.pop_back();
  }
}

void HttpServer::State::finished(Slot& slot) {
  std::lock_guard lock(mutex);
  close_descriptor(slot.fd);
  --active;
  ended.notify_all();
}

// The slots whose thread has ended (or is about to return), for joining outside the lock.
std::list<HttpServer::State::Slot> HttpServer::State::take_ended() {
  std::lock_guard lock(mutex);
  std::list<Slot> taken;
  for (auto slot = slots.begin(); slot != slots.end();) {
    const auto next = std::next(slot);
    if (slot->fd < 0) taken.splice(taken.end(), slots, slot);
    slot = next;
  }
  return taken;
}

void HttpServer::State::stop() {
  std::lock_guard stop_lock(stop_mutex);
  if (stopped) return;
  stopped = true;
  stopping = true;
  if (acceptor.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(wake, &one, sizeof(one));
    acceptor.join();
  }
  close_descriptor(listening);  // new connections are refused from here on
  std::list<Slot> all;
  {
    std::unique_lock lock(mutex);
    // Reading ends at once (idle keep-alive connections, handshakes, requests being received); a
    // response being written may finish, for a short while.
    for (Slot& slot : slots)
      if (slot.fd >= 0) ::shutdown(slot.fd, SHUT_RD);
    ended.wait_for(lock, kStopGrace, [this] { return active == 0; });
    for (Slot& slot : slots)
      if (slot.fd >= 0) ::shutdown(slot.fd, SHUT_RDWR);
    all.swap(slots);
  }
  for (Slot& slot : all) slot.thread.join();
}

HttpServer::HttpServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

HttpServer::~HttpServer() {
  stop();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options, HttpHandler handler) {
  auto state = std::make_unique<State>();
  state->options = options;
  state->handler = std::move(handler);
  const bool tls = !options.tls_certificate_file.empty() || !options.tls_private_key_file.empty();
  if (tls) {
    auto context = make_tls_context(options);
    if (!context) return context.error();
    state->tls = *context;
  }
  auto listening = listen_on(options);
  if (!listening) return listening.error();
  state->listening = *listening;
  const int port = bound_port(state->listening);
  if (port <= 0) return retryable_error("server.bind_failed", "cannot read the port listened on");
  state->wake = ::eventfd(0, EFD_CLOEXEC);
  if (state->wake < 0)
    return retryable_error("server.start_failed", std::string("eventfd: ") + std::strerror(errno));

  std::unique_ptr<HttpServer> self(new HttpServer(std::move(state)));
  State& shared = *self->state_;
  self->scheme_ = tls ? "https" : "http";
  self->port_ = port;
  shared.context.options = options;
  shared.context.scheme = self->scheme_;
  shared.context.authority = host_for_url(options.host) + ":" + std::to_string(port);
  shared.context.tls = shared.tls;
  shared.context.handle = [&shared](const HttpRequest& request) { return shared.handle(request); };
  shared.context.stopping = &shared.stopping;
  try {
    shared.acceptor = std::thread([&shared] { shared.accept_loop(); });
  } catch (const std::system_error& error) {
    return retryable_error("server.start_failed",
                           std::string("cannot start the acceptor thread: ") + error.what());
  }
  return self;
}

std::string HttpServer::origin() const {
  return scheme_ + "://" + host_for_url(state_->options.host) + ":" + std::to_string(port_);
}

void HttpServer::stop() {
  if (state_) state_->stop();
}

}  // namespace margo
