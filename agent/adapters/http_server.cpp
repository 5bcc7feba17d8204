#include "agent/adapters/http_server.hpp"

#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <exception>

namespace margo {
namespace {

// httplib adds these to the request headers; they were never sent by the client.
bool is_pseudo_header(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT";
}

std::string host_for_url(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

HttpRequest to_margo_request(const httplib::Request& in, const std::string& scheme,
                             const std::string& fallback_host) {
  HttpRequest out;
  out.method = in.method;
  const std::string host = in.has_header("Host") ? in.get_header_value("Host") : fallback_host;
  out.url = scheme + "://" + host + in.target;
  for (const auto& [name, value] : in.headers)
    if (!is_pseudo_header(name)) out.headers.add(name, value);
  out.body = in.body;
  return out;
}

void write_response(const HttpResponse& in, httplib::Response& out) {
  out.status = in.status;
  std::string content_type;
  for (const auto& field : in.headers) {
    if (iequals(field.name, "Content-Type")) {
      content_type = field.value;
    } else if (!iequals(field.name, "Content-Length")) {
      out.set_header(field.name, field.value);
    }
  }
  if (!in.body.empty() || !content_type.empty()) out.set_content(in.body, content_type);
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<httplib::Server> server, HttpHandler handler,
                       HttpServerOptions options, std::string scheme)
    : server_(std::move(server)),
      handler_(std::move(handler)),
      options_(std::move(options)),
      scheme_(std::move(scheme)) {}

HttpServer::~HttpServer() {
  stop();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const HttpServerOptions& options, HttpHandler handler) {
  const bool tls = !options.tls_certificate_file.empty() || !options.tls_private_key_file.empty();
  std::unique_ptr<httplib::Server> server;
  if (tls) {
    auto ssl_server = std::make_unique<httplib::SSLServer>(options.tls_certificate_file.c_str(),
                                                           options.tls_private_key_file.c_str());
    if (!ssl_server->is_valid())
      return permanent_error("server.tls_setup", "cannot use TLS certificate '" +
                                                     options.tls_certificate_file + "' with key '" +
                                                     options.tls_private_key_file + "'");
    SSL_CTX_set_min_proto_version(ssl_server->ssl_context(), TLS1_2_VERSION);
    server = std::move(ssl_server);
  } else {
    server = std::make_unique<httplib::Server>();
  }

  std::unique_ptr<HttpServer> self(
      new HttpServer(std::move(server), std::move(handler), options, tls ? "https" : "http"));
  self->install_routes();
  if (options.port == 0) {
    self->port_ = self->server_->bind_to_any_port(options.host);
  } else if (self->server_->bind_to_port(options.host, options.port)) {
    self->port_ = options.port;
  } else {
    self->port_ = -1;
  }
  if (self->port_ <= 0)
    return retryable_error("server.bind_failed", "cannot listen on " + host_for_url(options.host) + ":" +
                                                     std::to_string(options.port));
  // httplib's stop() does nothing until the accept loop runs, so wait for it (or for its failure).
  auto listener_ended = std::make_shared<std::atomic<bool>>(false);
  self->listener_ = std::thread([server = self->server_.get(), listener_ended] {
    server->listen_after_bind();
    *listener_ended = true;
  });
  while (!self->server_->is_running() && !*listener_ended)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (*listener_ended) return retryable_error("server.bind_failed", "the listener stopped at once");
  return self;
}

void HttpServer::install_routes() {
  // httplib's default also sets SO_REUSEPORT, which would let a second server share a port in use.
  server_->set_socket_options([](socket_t socket) {
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server_->set_payload_max_length(options_.max_body_bytes);
  server_->set_keep_alive_timeout(options_.keep_alive_timeout.count());
  server_->set_keep_alive_max_count(options_.keep_alive_max_requests);
  const auto serve = [this](const httplib::Request& request, httplib::Response& response) {
    const HttpRequest converted = to_margo_request(request, scheme_, origin().substr(scheme_.size() + 3));
    HttpResponse answer;
    {
      std::lock_guard lock(handler_mutex_);
      try {
        answer = handler_(converted);
      } catch (const std::exception& error) {
        answer = HttpResponse{
            500, {{"Content-Type", "text/plain"}}, std::string("handler failed: ") + error.what()};
      }
    }
    write_response(answer, response);
  };
  // Any path, decoded control characters included.
  const std::string any_path = "[\\s\\S]*";
  server_->Get(any_path, serve);
  server_->Post(any_path, serve);
  server_->Put(any_path, serve);
  server_->Delete(any_path, serve);
  server_->Patch(any_path, serve);
  server_->Options(any_path, serve);
}

std::string HttpServer::origin() const {
  return scheme_ + "://" + host_for_url(options_.host) + ":" + std::to_string(port_);
}

void HttpServer::stop() {
  if (server_) server_->stop();
  if (listener_.joinable()) listener_.join();
}

}  // namespace margo
