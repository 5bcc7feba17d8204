#pragma once
// Helpers for the raw-byte tests of HttpServer: start a server, connect a RawClient, exchange bytes.

#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "agent/adapters/http_server.hpp"
#include "raw_client.hpp"
#include "test_pki.hpp"

namespace margo::testing {

inline HttpServerOptions options_for(bool tls) {
  HttpServerOptions options;
  if (tls) {
    options.tls_certificate_file = test_pki().server_certificate_file;
    options.tls_private_key_file = test_pki().server_key_file;
  }
  return options;
}

inline std::unique_ptr<HttpServer> start_server(const HttpServerOptions& options, HttpHandler handler) {
  auto server = HttpServer::start(options, std::move(handler));
  INFO((server.ok() ? std::string() : server.error().message));
  REQUIRE(server.ok());
  return std::move(*server);
}

inline std::unique_ptr<RawClient> connect_to(const HttpServer& server) {
  return std::make_unique<RawClient>("127.0.0.1", server.port(), server.scheme() == "https");
}

inline RawResponse round_trip(RawClient& client, const std::string& request) {
  client.send(request);
  auto response = client.read_response();
  REQUIRE(response.has_value());
  return *response;
}

inline std::string get(const std::string& target, const std::string& extra = "") {
  return "GET " + target + " HTTP/1.1\r\nHost: wfm.test\r\n" + extra + "\r\n";
}

inline bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace margo::testing
