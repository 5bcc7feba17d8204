#pragma once
// The HttpClient contract is written once against this test bed and run against both clients: the
// real HttpsClient talking to a TLS server on 127.0.0.1, and SimNetwork in virtual time.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

#include "agent/adapters/http/https_client.hpp"
#include "agent/adapters/worker_pool.hpp"
#include "agent/ports/http_client.hpp"
#include "sim/adapters/seeded_random.hpp"
#include "sim/adapters/sim_network.hpp"
#include "sim/adapters/virtual_executor.hpp"
#include "tests/contract/http/loop_thread.hpp"
#include "tests/contract/http/test_pki.hpp"
#include "tests/contract/http/tls_test_server.hpp"

namespace margo::testing {

class HttpTestBed {
 public:
  virtual ~HttpTestBed() = default;

  // Every request to base_url() is answered by the handler.
  virtual void serve(TestHandler handler) = 0;
  // Requests to base_url() are taken in and never answered.
  virtual void serve_unresponsive() = 0;
  virtual std::string base_url() const = 0;
  // A URL where nothing accepts connections.
  virtual std::string unreachable_url() const = 0;
  // Sends the request from a task on the client's executor and waits for the completion.
  virtual CallOutcome<HttpResponse> exchange(HttpRequest request) = 0;
};

class RealHttpTestBed final : public HttpTestBed {
 public:
  RealHttpTestBed();
  ~RealHttpTestBed() override;

  void serve(TestHandler handler) override { server_.set_handler(std::move(handler)); }
  void serve_unresponsive() override;
  std::string base_url() const override { return server_.base_url(); }
  std::string unreachable_url() const override;
  CallOutcome<HttpResponse> exchange(HttpRequest request) override;

 private:
  TlsIdentity ca_;
  TempFile ca_file_;
  LoopThread loop_;
  WorkerPool workers_{2};
  // Holds unresponsive handlers until the bed goes away.
  std::mutex gate_mutex_;
  std::condition_variable gate_;
  bool gate_open_ = false;
  TlsTestServer server_;
  std::unique_ptr<HttpsClient> client_;
};

class SimHttpTestBed final : public HttpTestBed {
 public:
  SimHttpTestBed();

  void serve(TestHandler handler) override;
  void serve_unresponsive() override;
  std::string base_url() const override { return "https://wfm.sim.test:8443"; }
  std::string unreachable_url() const override { return "https://nobody.sim.test/api"; }
  CallOutcome<HttpResponse> exchange(HttpRequest request) override;

 private:
  VirtualExecutor executor_;
  SeededRandom random_{20260101};
  SimNetwork network_{executor_, random_};
};

}  // namespace margo::testing
