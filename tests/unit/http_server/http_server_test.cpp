#include <catch2/catch.hpp>

#include <httplib.h>
#include <openssl/ssl.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "agent/adapters/http_server.hpp"
#include "server_fixture.hpp"
#include "test_pki.hpp"

using namespace margo;
using namespace margo::testing;
using margo::testing::test_pki;

namespace {

// Answers with what it received, as JSON.
HttpResponse echo(const HttpRequest& request) {
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& field : request.headers) headers[field.name] = field.value;
  HttpResponse response;
  response.status = 201;
  response.headers.set("Content-Type", "application/json");
  response.headers.set("X-Echo", "yes");
  response.body = nlohmann::json{
      {"method", request.method},
      {"url", request.url},
      {"headers", headers},
      {"body",
       request.body}}.dump();
  return response;
}

std::unique_ptr<httplib::SSLClient> verified_client(int port) {
  auto client = std::make_unique<httplib::SSLClient>("127.0.0.1", port);
  client->set_ca_cert_path(test_pki().ca_certificate_file.c_str());
  client->enable_server_certificate_verification(true);
  client->set_connection_timeout(std::chrono::seconds(10));
  client->set_read_timeout(std::chrono::seconds(10));
  return client;
}

// Completes a TLS handshake with the server limited to one protocol version; true on success.
bool handshake_with_version(int port, int version) {
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(context, 0);  // let the client offer old versions at all
  SSL_CTX_set_min_proto_version(context, version);
  SSL_CTX_set_max_proto_version(context, version);
  BIO* bio = BIO_new_ssl_connect(context);
  BIO_set_conn_hostname(bio, ("127.0.0.1:" + std::to_string(port)).c_str());
  const bool connected = BIO_do_connect(bio) == 1 && BIO_do_handshake(bio) == 1;
  BIO_free_all(bio);
  SSL_CTX_free(context);
  return connected;
}

}  // namespace

TEST_CASE("http server: HTTPS round trip rebuilds the absolute URL from Host and the raw target") {
  auto server = start_server(options_for(true), echo);
  REQUIRE(server->scheme() == "https");
  REQUIRE(server->port() > 0);
  CHECK(server->origin() == "https://127.0.0.1:" + std::to_string(server->port()));

  auto client = verified_client(server->port());
  const auto result = client->Post("/api/v1/x%2Fy?q=1&z=%20", httplib::Headers{{"X-Custom", "value 1"}},
                                   std::string("body bytes\0with nul", 19), "application/octet-stream");
  REQUIRE(result);
  CHECK(result->status == 201);
  CHECK(result->get_header_value("X-Echo") == "yes");
  CHECK(result->get_header_value("Content-Type") == "application/json");
  const auto echoed = nlohmann::json::parse(result->body);
  CHECK(echoed.at("method") == "POST");
  CHECK(echoed.at("url") ==
        "https://127.0.0.1:" + std::to_string(server->port()) + "/api/v1/x%2Fy?q=1&z=%20");
  CHECK(echoed.at("body") == std::string("body bytes\0with nul", 19));
  CHECK(echoed.at("headers").at("X-Custom") == "value 1");
  CHECK(echoed.at("headers").at("Content-Type") == "application/octet-stream");
  CHECK_FALSE(echoed.at("headers").contains("REMOTE_ADDR"));
}

TEST_CASE("http server: the Host header is taken as received") {
  auto server = start_server(HttpServerOptions{}, echo);
  REQUIRE(server->scheme() == "http");
  httplib::Client client("127.0.0.1", server->port());
  const auto result = client.Get("/p?a=b", httplib::Headers{{"Host", "wfm.example:8443"}});
  REQUIRE(result);
  CHECK(nlohmann::json::parse(result->body).at("url") == "http://wfm.example:8443/p?a=b");
}

TEST_CASE("http server: an empty answer stays empty and other methods reach the handler") {
  auto server = start_server(HttpServerOptions{}, [](const HttpRequest& request) {
    HttpResponse response;
    response.status = request.method == "DELETE" ? 405 : 304;
    response.headers.set("ETag", "\"abc\"");
    return response;
  });
  httplib::Client client("127.0.0.1", server->port());
  const auto not_modified = client.Get("/");
  REQUIRE(not_modified);
  CHECK(not_modified->status == 304);
  CHECK(not_modified->body.empty());
  CHECK(not_modified->get_header_value("ETag") == "\"abc\"");
  const auto deleted = client.Delete("/thing");
  REQUIRE(deleted);
  CHECK(deleted->status == 405);
}

TEST_CASE("http server: a throwing handler becomes a 500, and the server keeps serving") {
  int calls = 0;
  auto server = start_server(HttpServerOptions{}, [&calls](const HttpRequest&) -> HttpResponse {
    if (++calls == 1) throw std::runtime_error("boom");
    return HttpResponse{200, {}, "fine"};
  });
  httplib::Client client("127.0.0.1", server->port());
  const auto failed = client.Get("/");
  REQUIRE(failed);
  CHECK(failed->status == 500);
  CHECK(failed->body.find("boom") != std::string::npos);
  const auto fine = client.Get("/");
  REQUIRE(fine);
  CHECK(fine->body == "fine");
}

TEST_CASE("http server: TLS 1.2 is the minimum protocol version") {
  auto server = start_server(options_for(true), echo);
  CHECK(handshake_with_version(server->port(), TLS1_2_VERSION));
  CHECK(handshake_with_version(server->port(), TLS1_3_VERSION));
  CHECK_FALSE(handshake_with_version(server->port(), TLS1_1_VERSION));
  CHECK_FALSE(handshake_with_version(server->port(), TLS1_VERSION));
}

TEST_CASE("http server: stop is prompt even with an idle keep-alive connection open") {
  HttpServerOptions options = options_for(true);
  options.keep_alive_timeout = std::chrono::seconds(60);  // stop() shuts idle connections down itself
  auto server = start_server(options, echo);
  auto client = verified_client(server->port());
  client->set_keep_alive(true);
  REQUIRE(client->Get("/first"));

  const auto begin = std::chrono::steady_clock::now();
  server->stop();
  const auto took = std::chrono::steady_clock::now() - begin;
  CHECK(took < std::chrono::milliseconds(1000));
  server->stop();  // idempotent

  httplib::SSLClient after("127.0.0.1", server->port());
  after.enable_server_certificate_verification(false);
  after.set_connection_timeout(std::chrono::seconds(2));
  CHECK_FALSE(after.Get("/again"));
}

TEST_CASE("http server: setup failures are errors, not exceptions") {
  auto first = start_server(HttpServerOptions{}, echo);
  HttpServerOptions same_port;
  same_port.port = first->port();
  const auto busy = HttpServer::start(same_port, echo);
  REQUIRE_FALSE(busy.ok());
  CHECK(busy.error().code == "server.bind_failed");

  HttpServerOptions missing_files;
  missing_files.tls_certificate_file = "/nonexistent/cert.pem";
  missing_files.tls_private_key_file = "/nonexistent/key.pem";
  const auto no_tls = HttpServer::start(missing_files, echo);
  REQUIRE_FALSE(no_tls.ok());
  CHECK(no_tls.error().code == "server.tls_setup");
}
