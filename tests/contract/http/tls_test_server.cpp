#include "tests/contract/http/tls_test_server.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace margo::testing {

TlsTestServer::TlsTestServer(const TlsIdentity& identity, TestHandler handler,
                             const std::function<void(SSL_CTX*)>& tune)
    : scheme_("https"), handler_(std::move(handler)) {
  auto server = std::make_unique<httplib::SSLServer>(identity.certificate.get(), identity.key.get());
  if (!server->is_valid()) throw std::runtime_error("test server: TLS context rejected the identity");
  if (tune) tune(server->ssl_context());
  server_ = std::move(server);
  start();
}

TlsTestServer::TlsTestServer(TestHandler handler)
    : server_(std::make_unique<httplib::Server>()), scheme_("http"), handler_(std::move(handler)) {
  start();
}

TlsTestServer::~TlsTestServer() {
  server_->stop();
  listener_.join();
}

void TlsTestServer::start() {
  auto serve = [this](const httplib::Request& in, httplib::Response& out) {
    HttpRequest request;
    request.method = in.method;
    request.url = base_url() + in.target;
    request.body = in.body;
    for (const auto& [name, value] : in.headers) request.headers.add(name, value);
    TestHandler handler;
    {
      std::lock_guard lock(mutex_);
      remote_ports_.insert(in.remote_port);
      ++requests_;
      handler = handler_;
    }
    HttpResponse response = handler(request);
    out.status = response.status;
    for (const HttpHeader& header : response.headers)
      if (!iequals(header.name, "Content-Type") && !iequals(header.name, "Content-Length"))
        out.set_header(header.name, header.value);
    if (!response.body.empty())
      out.set_content(response.body,
                      response.headers.get("Content-Type").value_or("application/octet-stream"));
  };
  // Routes, not a pre-routing handler: httplib reads request bodies only for routed requests.
  server_->Get(".*", serve);
  server_->Post(".*", serve);
  server_->Put(".*", serve);
  server_->Patch(".*", serve);
  server_->Delete(".*", serve);
  server_->Options(".*", serve);
  server_->set_keep_alive_max_count(1000);
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("test server: cannot bind 127.0.0.1");
  listener_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void TlsTestServer::set_handler(TestHandler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

std::string TlsTestServer::base_url() const {
  return scheme_ + "://127.0.0.1:" + std::to_string(port_);
}

std::size_t TlsTestServer::connections_seen() const {
  std::lock_guard lock(mutex_);
  return remote_ports_.size();
}

std::size_t TlsTestServer::requests_seen() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

int unused_local_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace margo::testing
