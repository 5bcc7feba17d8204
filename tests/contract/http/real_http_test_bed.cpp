#include <stdexcept>

#include "tests/contract/http/http_test_bed.hpp"

namespace margo::testing {
namespace {

HttpResponse no_handler(const HttpRequest&) {
  return HttpResponse{404, {}, "no handler installed"};
}

}  // namespace

RealHttpTestBed::RealHttpTestBed()
    : ca_(make_test_ca("margo contract test CA")),
      ca_file_(certificate_pem(*ca_.certificate)),
      server_(make_test_server(ca_, "IP:127.0.0.1,DNS:localhost"), no_handler) {
  HttpsClientOptions options;
  options.ca_file = ca_file_.path();
  Result<std::unique_ptr<HttpsClient>> client = HttpsClient::create(loop_.loop(), workers_, options);
  if (!client) throw std::runtime_error("test bed: " + client.error().message);
  client_ = std::move(client).value();
}

RealHttpTestBed::~RealHttpTestBed() {
  std::lock_guard lock(gate_mutex_);
  gate_open_ = true;
  gate_.notify_all();
}

void RealHttpTestBed::serve_unresponsive() {
  server_.set_handler([this](const HttpRequest&) {
    std::unique_lock lock(gate_mutex_);
    gate_.wait_for(lock, std::chrono::seconds(30), [this] { return gate_open_; });
    return HttpResponse{500, {}, "released"};
  });
}

std::string RealHttpTestBed::unreachable_url() const {
  return "https://127.0.0.1:" + std::to_string(unused_local_port()) + "/api";
}

CallOutcome<HttpResponse> RealHttpTestBed::exchange(HttpRequest request) {
  HttpsClient& client = *client_;
  return loop_.call<HttpResponse>(
      [&client, request](Callback<HttpResponse> done) { client.send(request, std::move(done)); });
}

}  // namespace margo::testing
