#include "agent/runtime/compose/package_download.hpp"

#include <memory>

namespace margo {
namespace {

constexpr int kMaxRedirects = 5;

Error fetch_failed(ErrorClass error_class, const DownloadRequest& request, const std::string& why,
                   int status = 0) {
  Error error{"compose.package_fetch_failed",
              "cannot fetch " + request.what + " " + request.location.display + ": " + why, error_class,
              status, std::nullopt};
  return error;
}

Error too_large(const DownloadRequest& request) {
  return permanent_error("compose.package_too_large", request.what + " " + request.location.display +
                                                          " is larger than " +
                                                          std::to_string(request.max_bytes) + " bytes");
}

Result<std::string> read_local(FileSystem& fs, const DownloadRequest& request) {
  auto content = fs.read_file(request.location.target, request.max_bytes);
  if (content) return content;
  const Error& error = content.error();
  if (error.code == "fs.too_large") return too_large(request);
  if (error.code == "fs.not_found") return fetch_failed(ErrorClass::permanent, request, "no such file");
  if (error.code == "fs.permission_denied")
    return fetch_failed(ErrorClass::permanent, request, "permission denied");
  return fetch_failed(
      error.error_class == ErrorClass::retryable ? ErrorClass::retryable : ErrorClass::permanent, request,
      error.message);
}

Error transport_failure(const DownloadRequest& request, const Error& error) {
  if (error.code == "http.response_too_large") return too_large(request);
  if (error.code == "http.tls_failed") return fetch_failed(ErrorClass::security, request, error.message);
  if (error.code == "http.bad_url") return fetch_failed(ErrorClass::permanent, request, "bad URL");
  return fetch_failed(ErrorClass::retryable, request, error.message);
}

Error status_failure(const DownloadRequest& request, int status) {
  const bool transient = status == 408 || status == 429 || status >= 500;
  return fetch_failed(transient ? ErrorClass::retryable : ErrorClass::permanent, request,
                      "HTTP status " + std::to_string(status), status);
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// An absolute http(s) URL, or an absolute path on the same origin. Anything else is refused.
Result<PackageLocation> redirect_target(const DownloadRequest& request, const std::string& location) {
  std::string target = location;
  if (!location.empty() && location.front() == '/' && location.substr(0, 2) != "//") {
    const std::string& current = request.location.target;
    const auto scheme_end = current.find("://");
    const auto path_start = current.find('/', scheme_end + 3);
    target = current.substr(0, path_start) + location;
  }
  auto parsed = parse_location(target, "redirect");
  if (!parsed || parsed->kind == LocationKind::file)
    return fetch_failed(ErrorClass::permanent, request, "unusable redirect");
  if (parsed->kind == LocationKind::http && !request.allow_plain_http)
    return permanent_error("compose.insecure_location",
                           request.what + " " + request.location.display +
                               " redirects to plain http://, accepted only with a "
                               "packageDigest");
  return parsed;
}

struct Exchange : std::enable_shared_from_this<Exchange> {
  Exchange(HttpClient& http_in, DownloadRequest request_in, Callback<std::string> done_in)
      : http(http_in), request(std::move(request_in)), done(std::move(done_in)) {}

  void send() {
    HttpRequest http_request;
    http_request.method = "GET";
    http_request.url = request.location.target;
    http_request.timeout = request.timeout;
    http_request.max_response_bytes = request.max_bytes;
    http.send(std::move(http_request), [self = shared_from_this()](Result<HttpResponse> response) {
      self->received(std::move(response));
    });
  }

  void received(Result<HttpResponse> response) {
    if (!response) return done(transport_failure(request, response.error()));
    if (is_redirect(response->status)) {
      const auto location = response->headers.get("Location");
      if (!location || redirects == kMaxRedirects)
        return done(
            fetch_failed(ErrorClass::permanent, request, "too many or empty redirects", response->status));
      auto next = redirect_target(request, *location);
      if (!next) return done(next.error());
      ++redirects;
      request.location = std::move(next).value();
      return send();
    }
    if (response->status != 200) return done(status_failure(request, response->status));
    if (response->body.size() > request.max_bytes) return done(too_large(request));
    done(std::move(response->body));
  }

  HttpClient& http;
  DownloadRequest request;
  Callback<std::string> done;
  int redirects = 0;
};

}  // namespace

void download(HttpClient& http, FileSystem& fs, Executor& executor, DownloadRequest request,
              Callback<std::string> done) {
  if (request.location.kind == LocationKind::file) {
    auto content = read_local(fs, request);
    executor.post(
        [content = std::move(content), done = std::move(done)]() mutable { done(std::move(content)); });
    return;
  }
  // The HttpClient completes through the executor, never inline (port contract).
  std::make_shared<Exchange>(http, std::move(request), std::move(done))->send();
}

}  // namespace margo
