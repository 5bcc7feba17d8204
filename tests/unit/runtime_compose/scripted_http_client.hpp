#pragma once
// An HttpClient test double: answers by URL from a table, enforces max_response_bytes the way the
// real client does (http.response_too_large), records every request. Completes through the executor.

#include <map>
#include <string>
#include <vector>

#include "agent/ports/http_client.hpp"

namespace margo::test {

class ScriptedHttpClient final : public HttpClient {
 public:
  explicit ScriptedHttpClient(Executor& executor) : executor_(executor) {}

  void serve(const std::string& url, int status, std::string body = "", HttpHeaders headers = {}) {
    answers_.insert_or_assign(
        url, Result<HttpResponse>(HttpResponse{status, std::move(headers), std::move(body)}));
  }
  void fail(const std::string& url, Error error) {
    answers_.insert_or_assign(url, Result<HttpResponse>(error));
  }

  void send(HttpRequest request, Callback<HttpResponse> done) override {
    requests.push_back(request);
    Result<HttpResponse> answer = HttpResponse{404, {}, "not found"};
    if (const auto found = answers_.find(request.url); found != answers_.end()) answer = found->second;
    if (answer && answer->body.size() > request.max_response_bytes)
      answer = permanent_error("http.response_too_large", "response body too large");
    executor_.post(
        [answer = std::move(answer), done = std::move(done)]() mutable { done(std::move(answer)); });
  }

  std::vector<HttpRequest> requests;

 private:
  Executor& executor_;
  std::map<std::string, Result<HttpResponse>> answers_;
};

}  // namespace margo::test
