#pragma once
// The bytes of one HTTP/1.1 request. The framing is ours: Content-Length is set here and a caller's
// Content-Length or Transfer-Encoding is not sent. Host (the URL's authority as written, which the
// request signature covers), User-Agent and Accept-Encoding are added unless the caller set them.

#include <string>

#include "agent/adapters/http/url.hpp"
#include "agent/ports/http_client.hpp"

namespace margo {

// http.bad_request (permanent) when the method or a header name is not an RFC 9110 token, or a
// header value holds CR, LF or NUL: nothing is sent that would be read differently than it was meant.
Result<std::string> write_request(const HttpRequest& request, const Url& url, const std::string& user_agent);

}  // namespace margo
