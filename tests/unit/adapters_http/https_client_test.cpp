// The real HTTPS client on its own: what a simulated network cannot show (TLS, CA files, connection
// reuse, shutdown).

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "agent/adapters/http/https_client.hpp"
#include "tests/contract/http/loop_thread.hpp"
#include "tests/contract/http/test_pki.hpp"
#include "tests/contract/http/tls_test_server.hpp"

using namespace margo;
using namespace margo::testing;

namespace {

HttpResponse hello(const HttpRequest&) {
  return HttpResponse{200, {{"Content-Type", "text/plain"}}, "hello"};
}

// A client trusting `ca`, with the loop and workers it runs on.
struct ClientRig {
  explicit ClientRig(const TlsIdentity& ca, bool allow_plain_http = false,
                     TlsVersion minimum = TlsVersion::tls1_2)
      : ca_file(certificate_pem(*ca.certificate)) {
    HttpsClientOptions options;
    options.min_tls_version = minimum;
    options.ca_file = ca_file.path();
    options.allow_plain_http = allow_plain_http;
    auto created = HttpsClient::create(loop.loop(), workers, options);
    REQUIRE(created.ok());
    client = std::move(created).value();
  }

  CallOutcome<HttpResponse> get(const std::string& url,
                                std::chrono::milliseconds wait_limit = std::chrono::seconds(60)) {
    HttpRequest request;
    request.url = url;
    request.timeout = std::chrono::seconds(20);
    return loop.call<HttpResponse>(
        [this, request](Callback<HttpResponse> done) { client->send(request, done); }, wait_limit);
  }

  TempFile ca_file;
  LoopThread loop;
  WorkerPool workers{2};
  std::unique_ptr<HttpsClient> client;
};

void require_tls_failure(const CallOutcome<HttpResponse>& outcome) {
  REQUIRE(outcome.result.has_value());
  REQUIRE_FALSE(outcome.result->ok());
  CHECK(outcome.result->error().code == "http.tls_failed");
  CHECK(outcome.result->error().error_class == ErrorClass::security);
}

}  // namespace

TEST_CASE("a server certificate from another CA is rejected as a security failure", "[https]") {
  const TlsIdentity server_ca = make_test_ca("margo server CA");
  const TlsIdentity other_ca = make_test_ca("margo unrelated CA");
  TlsTestServer server(make_test_server(server_ca, "IP:127.0.0.1"), hello);
  ClientRig rig(other_ca);

  const auto outcome = rig.get(server.base_url() + "/x");
  require_tls_failure(outcome);
  CHECK(server.requests_seen() == 0);
}

TEST_CASE("a certificate for another host name is rejected", "[https]") {
  const TlsIdentity ca = make_test_ca("margo hostname CA");
  TlsTestServer server(make_test_server(ca, "DNS:other.example"), hello);
  ClientRig rig(ca);

  const auto outcome = rig.get(server.base_url() + "/x");
  require_tls_failure(outcome);
  CHECK(outcome.result->error().message.find("127.0.0.1") != std::string::npos);
  CHECK(server.requests_seen() == 0);
}

TEST_CASE("the same setup with the right CA and name succeeds", "[https]") {
  const TlsIdentity ca = make_test_ca("margo good CA");
  TlsTestServer server(make_test_server(ca, "IP:127.0.0.1"), hello);
  ClientRig rig(ca);

  const auto outcome = rig.get(server.base_url() + "/x");
  REQUIRE(outcome.result.has_value());
  REQUIRE(outcome.result->ok());
  CHECK(outcome.result->value().body == "hello");
}

TEST_CASE("a server that offers nothing newer than TLS 1.1 is refused", "[https]") {
  const TlsIdentity ca = make_test_ca("margo legacy CA");
  TlsTestServer server(make_test_server(ca, "IP:127.0.0.1"), hello, [](SSL_CTX* context) {
    SSL_CTX_set_security_level(context, 0);
    SSL_CTX_set_min_proto_version(context, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(context, TLS1_1_VERSION);
  });
  ClientRig rig(ca);

  const auto outcome = rig.get(server.base_url() + "/x");
  require_tls_failure(outcome);
  CHECK(server.requests_seen() == 0);
}

TEST_CASE("with a TLS 1.3 minimum, a server that offers at most TLS 1.2 is refused", "[https]") {
  const TlsIdentity ca = make_test_ca("margo tls12 CA");
  TlsTestServer server(make_test_server(ca, "IP:127.0.0.1"), hello,
                       [](SSL_CTX* context) { SSL_CTX_set_max_proto_version(context, TLS1_2_VERSION); });
  SECTION("refused at 1.3") {
    ClientRig rig(ca, false, TlsVersion::tls1_3);
    const auto outcome = rig.get(server.base_url() + "/x");
    require_tls_failure(outcome);
    CHECK(server.requests_seen() == 0);
  }
  SECTION("served at 1.2") {
    ClientRig rig(ca, false, TlsVersion::tls1_2);
    const auto outcome = rig.get(server.base_url() + "/x");
    REQUIRE(outcome.result.has_value());
    REQUIRE(outcome.result->ok());
  }
}

TEST_CASE("a CA file that cannot be used fails create()", "[https]") {
  LoopThread loop;
  WorkerPool workers(1);
  HttpsClientOptions options;

  SECTION("missing file") {
    options.ca_file = "/nonexistent/margo-ca.pem";
    const auto created = HttpsClient::create(loop.loop(), workers, options);
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().code == "http.ca_load_failed");
    CHECK(created.error().message.find("/nonexistent/margo-ca.pem") != std::string::npos);
  }
  SECTION("file without a certificate") {
    const TempFile garbage("this is not PEM\n");
    options.ca_file = garbage.path();
    const auto created = HttpsClient::create(loop.loop(), workers, options);
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().code == "http.ca_load_failed");
  }
}

TEST_CASE("plain http is refused unless allowed", "[https]") {
  TlsTestServer server(hello);
  const TlsIdentity ca = make_test_ca("margo plain CA");

  SECTION("refused by default, without touching the network") {
    ClientRig rig(ca);
    const auto outcome = rig.get(server.base_url() + "/x");
    REQUIRE(outcome.result.has_value());
    REQUIRE_FALSE(outcome.result->ok());
    CHECK(outcome.result->error().code == "http.bad_url");
    CHECK_FALSE(outcome.completed_inline);
    CHECK(server.requests_seen() == 0);
  }
  SECTION("served when allowed") {
    ClientRig rig(ca, true);
    const auto outcome = rig.get(server.base_url() + "/x");
    REQUIRE(outcome.result.has_value());
    REQUIRE(outcome.result->ok());
    CHECK(outcome.result->value().body == "hello");
  }
}

TEST_CASE("sequential requests to one origin reuse one connection", "[https]") {
  const TlsIdentity ca = make_test_ca("margo keep-alive CA");
  TlsTestServer server(make_test_server(ca, "IP:127.0.0.1"), hello);
  ClientRig rig(ca);

  for (int i = 0; i < 6; ++i) {
    const auto outcome = rig.get(server.base_url() + "/poll/" + std::to_string(i));
    REQUIRE(outcome.result.has_value());
    REQUIRE(outcome.result->ok());
  }
  CHECK(server.requests_seen() == 6);
  CHECK(server.connections_seen() == 1);
}

TEST_CASE("the Host header and User-Agent follow the URL and the options", "[https]") {
  const TlsIdentity ca = make_test_ca("margo header CA");
  TlsTestServer server(make_test_server(ca, "IP:127.0.0.1"), [](const HttpRequest& request) {
    return HttpResponse{
        200,
        {},
        request.headers.get("Host").value_or("") + "|" + request.headers.get("User-Agent").value_or("")};
  });
  ClientRig rig(ca);

  const auto outcome = rig.get(server.base_url() + "/h");
  REQUIRE(outcome.result.has_value());
  REQUIRE(outcome.result->ok());
  CHECK(outcome.result->value().body == "127.0.0.1:" + std::to_string(server.port()) + "|margo-agent/0.1");
}

TEST_CASE("shutdown() aborts an exchange in flight and drops its completion", "[https]") {
  const TlsIdentity ca = make_test_ca("margo shutdown CA");
  std::mutex mutex;
  std::condition_variable changed;
  bool request_arrived = false;
  bool release = false;
  TlsTestServer server(make_test_server(ca, "IP:127.0.0.1"), [&](const HttpRequest&) {
    std::unique_lock lock(mutex);
    request_arrived = true;
    changed.notify_all();
    changed.wait_for(lock, std::chrono::seconds(30), [&] { return release; });
    return HttpResponse{200, {}, "too late"};
  });
  ClientRig rig(ca);
  std::atomic<int> completions = 0;
  HttpRequest request;
  request.url = server.base_url() + "/hang";
  request.timeout = std::chrono::seconds(60);
  rig.loop.loop().post([&] { rig.client->send(request, [&](Result<HttpResponse>) { ++completions; }); });
  {
    std::unique_lock lock(mutex);
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(20), [&] { return request_arrived; }));
  }

  const auto before = std::chrono::steady_clock::now();
  rig.client->shutdown();
  rig.workers.shutdown();  // returns once the aborted exchange has ended
  const auto waited = std::chrono::steady_clock::now() - before;
  // Drain the loop: anything posted would have run by the time this call completes.
  const auto drained = rig.loop.call<int>([](Callback<int> done) { done(0); });

  CHECK(waited < std::chrono::seconds(10));
  CHECK(drained.result.has_value());
  CHECK(completions == 0);
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
}

TEST_CASE("requests sent after shutdown() never complete", "[https]") {
  const TlsIdentity ca = make_test_ca("margo after-shutdown CA");
  TlsTestServer server(make_test_server(ca, "IP:127.0.0.1"), hello);
  ClientRig rig(ca);
  rig.client->shutdown();

  const auto outcome = rig.get(server.base_url() + "/x", std::chrono::seconds(1));
  CHECK_FALSE(outcome.result.has_value());
  CHECK(server.requests_seen() == 0);
}
