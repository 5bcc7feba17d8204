#include <stdexcept>

#include "tests/contract/http/http_test_bed.hpp"

namespace margo::testing {
namespace {

void require_ok(const Status& status) {
  if (!status) throw std::runtime_error("test bed: " + status.error().message);
}

}  // namespace

SimHttpTestBed::SimHttpTestBed() {
  network_.set_default_link(LinkProfile{Duration(2), Duration(40), 0.0});
}

void SimHttpTestBed::serve(TestHandler handler) {
  require_ok(network_.add_host(base_url(), std::move(handler)));
}

void SimHttpTestBed::serve_unresponsive() {
  require_ok(network_.add_host(base_url(), [](const HttpRequest&) {
    return HttpResponse{200, {}, "unseen"};
  }));
  require_ok(network_.set_link(base_url(), LinkProfile{Duration(2), Duration(40), 1.0}));
}

CallOutcome<HttpResponse> SimHttpTestBed::exchange(HttpRequest request) {
  CallOutcome<HttpResponse> outcome;
  bool returned = false;
  executor_.post([&] {
    network_.send(request, [&](Result<HttpResponse> result) {
      ++outcome.completions;
      if (outcome.result) return;
      outcome.result = std::move(result);
      outcome.completed_inline = !returned;
    });
    returned = true;
  });
  executor_.run_until_idle();
  return outcome;
}

}  // namespace margo::testing
