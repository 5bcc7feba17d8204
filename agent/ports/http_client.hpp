#pragma once
// HTTP(S) requests. The real adapter is a TLS client with verification on; the simulated one routes
// to an in-process request handler (the fake WFM) through a lossy virtual network.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/result.hpp"

namespace margo {

inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; };
           return lower(x) == lower(y);
         });
}

// RFC 9110 section 5.6.2: what a method or a header field name may be made of.
inline bool is_http_token(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

struct HttpHeader {
  std::string name;
  std::string value;
};

// Header fields in order; names compare case-insensitively.
class HttpHeaders {
 public:
  HttpHeaders() = default;
  HttpHeaders(std::initializer_list<HttpHeader> fields) : fields_(fields) {}

  // The first value of the field, if present.
  std::optional<std::string> get(std::string_view name) const {
    for (const auto& field : fields_)
      if (iequals(field.name, name)) return field.value;
    return std::nullopt;
  }
  bool has(std::string_view name) const { return get(name).has_value(); }

  // Replaces every field of that name with one field.
  void set(std::string name, std::string value) {
    remove(name);
    fields_.push_back({std::move(name), std::move(value)});
  }
  void add(std::string name, std::string value) { fields_.push_back({std::move(name), std::move(value)}); }
  void remove(std::string_view name) {
    fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                                 [&](const HttpHeader& field) { return iequals(field.name, name); }),
                  fields_.end());
  }

  const std::vector<HttpHeader>& fields() const { return fields_; }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

 private:
  std::vector<HttpHeader> fields_;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: https://host[:port]/path[?query]
  HttpHeaders headers;
  std::string body;
  Duration timeout = std::chrono::seconds(30);        // whole exchange
  std::size_t max_response_bytes = 16 * 1024 * 1024;  // larger bodies fail with http.response_too_large
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

// Error codes an HttpClient reports (the exchange did not produce a response):
//   http.bad_url (permanent), http.connect_failed, http.timeout, http.connection_lost (retryable),
//   http.tls_failed (security: handshake or certificate verification failed),
//   http.response_too_large (permanent). Creating the real client can also fail with
//   http.ca_load_failed (the configured CA file is unusable; never a silent fallback).
// A response with any status code, 4xx and 5xx included, is a successful exchange.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual void send(HttpRequest request, Callback<HttpResponse> done) = 0;
};

}  // namespace margo
