#pragma once
// Frames one HTTP/1.1 response from the bytes of a connection, as RFC 9112 section 6.3 says: no body
// for a HEAD request or a 1xx, 204 or 304 status whatever the headers claim; a chunked body; a
// Content-Length body; otherwise a body that ends when the server closes. Interim 1xx responses are
// skipped. The parsing is Boost.Beast's HTTP/1 parser (header-only); limits on the head and the body
// are enforced while the bytes arrive. A gzip Content-Encoding is undone at the end, under the same
// body limit, because digests cover the decoded bytes.

#include <cstddef>
#include <memory>
#include <string>

#include "agent/ports/http_client.hpp"

namespace margo {

class ResponseReader {
 public:
  enum class Progress { need_more, complete, failed };
  enum class Failure {
    none,
    bad_response,  // the bytes are not an HTTP/1.1 response, or one we cannot decode
    too_large,     // the body passes max_body_bytes (before or after decoding)
    truncated,     // the connection ended before the response did
  };

  static constexpr std::size_t kMaxHeadBytes = 64 * 1024;

  ResponseReader(bool head_request, std::size_t max_body_bytes);
  ~ResponseReader();
  ResponseReader(const ResponseReader&) = delete;
  ResponseReader& operator=(const ResponseReader&) = delete;

  // Takes the next bytes the connection delivered.
  Progress feed(const char* data, std::size_t size);
  // The connection delivered its last byte: completes a body delimited by closing, fails otherwise.
  Progress end_of_stream();

  bool received_anything() const { return received_anything_; }
  // After complete: the server allows another request on this connection, and sent nothing more.
  bool connection_reusable() const { return reusable_; }
  Failure failure() const { return failure_; }
  const std::string& failure_reason() const { return failure_reason_; }
  // After complete: the final response, body decoded.
  HttpResponse take_response();

 private:
  struct Parser;

  Progress parse_pending();
  Progress finish();
  Progress fail(Failure failure, std::string reason);

  const bool head_request_;
  const std::size_t max_body_bytes_;
  std::unique_ptr<Parser> parser_;
  std::string pending_;  // received bytes the parser has not taken yet
  bool received_anything_ = false;
  bool reusable_ = false;
  Failure failure_ = Failure::none;
  std::string failure_reason_;
  HttpResponse response_;
};

}  // namespace margo
