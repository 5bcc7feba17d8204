#pragma once
// An HttpClient test double: records each request and answers from a script, through the executor.

#include <functional>
#include <vector>

#include "agent/ports/http_client.hpp"

namespace margo::test {

class ScriptedHttp final : public HttpClient {
 public:
  explicit ScriptedHttp(Executor& executor) : executor_(executor) {}

  std::function<Result<HttpResponse>(const HttpRequest&)> respond = [](const HttpRequest&) {
    return Result<HttpResponse>(HttpResponse{200, {}, ""});
  };
  std::vector<HttpRequest> requests;
  Duration latency{0};  // virtual time each exchange takes

  void send(HttpRequest request, Callback<HttpResponse> done) override {
    requests.push_back(request);
    auto result = respond(requests.back());
    executor_.schedule_after(
        latency, [result = std::move(result), done = std::move(done)]() mutable { done(std::move(result)); });
  }

 private:
  Executor& executor_;
};

inline HttpResponse response(int status, std::string body = "", HttpHeaders headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

}  // namespace margo::test
