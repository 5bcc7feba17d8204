// Raw bytes against HttpServer: keep-alive and closing, limits, bad requests, and a prompt stop().

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <thread>

#include "server_fixture.hpp"

using namespace margo;
using namespace margo::testing;
using namespace std::chrono_literals;

namespace {

HttpResponse answer_ok(const HttpRequest&) {
  return HttpResponse{200, {}, "ok"};
}

// Polls (1 ms apart, at most 2 s) until connecting to the port is refused: the listener is closed.
bool listener_closed(int port) {
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      RawClient probe("127.0.0.1", port, false);
    } catch (const std::runtime_error&) {
      return true;
    }
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

}  // namespace

TEST_CASE(
    "http server connections: Connection: close, or HTTP/1.0 without keep-alive, closes after the response") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  auto server = start_server(options_for(tls), [](const HttpRequest& request) {
    HttpResponse response{200, {}, "ok"};
    if (request.url.ends_with("/handler-closes")) response.headers.add("Connection", "close");
    return response;
  });

  SECTION("the client says Connection: close") {
    auto client = connect_to(*server);
    const RawResponse response = round_trip(*client, get("/", "Connection: close\r\n"));
    CHECK(response.body == "ok");
    CHECK(response.headers.get("Connection") == "close");
    CHECK(client->closed_by_server());
    CHECK(client->buffered().empty());
  }
  SECTION("an HTTP/1.0 request without keep-alive") {
    auto client = connect_to(*server);
    const RawResponse response = round_trip(*client, "GET / HTTP/1.0\r\nHost: wfm.test\r\n\r\n");
    CHECK(starts_with(response.head, "HTTP/1.1 200 OK\r\n"));
    CHECK(response.headers.get("Connection") == "close");
    CHECK(client->closed_by_server());
  }
  SECTION("an HTTP/1.0 request with keep-alive stays open") {
    auto client = connect_to(*server);
    const std::string request = "GET / HTTP/1.0\r\nHost: wfm.test\r\nConnection: keep-alive\r\n\r\n";
    CHECK(round_trip(*client, request).headers.get("Connection") == "keep-alive");
    CHECK(round_trip(*client, request).body == "ok");
  }
  SECTION("the handler says Connection: close") {
    auto client = connect_to(*server);
    const RawResponse response = round_trip(*client, get("/handler-closes"));
    CHECK(response.count("Connection") == 1);
    CHECK(response.headers.get("Connection") == "close");
    CHECK(client->closed_by_server());
  }
  SECTION("HTTP/1.1 keeps the connection by default") {
    auto client = connect_to(*server);
    for (int i = 0; i < 3; ++i) CHECK(round_trip(*client, get("/")).count("Connection") == 0);
  }
}

TEST_CASE("http server connections: keep_alive_max_requests and the idle timeout close a connection") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  HttpServerOptions options = options_for(tls);
  options.keep_alive_max_requests = 2;
  options.keep_alive_timeout = 100ms;
  auto server = start_server(options, answer_ok);

  auto counted = connect_to(*server);
  CHECK(round_trip(*counted, get("/1")).count("Connection") == 0);
  CHECK(round_trip(*counted, get("/2")).headers.get("Connection") == "close");
  CHECK(counted->closed_by_server());

  auto idle = connect_to(*server);
  CHECK(round_trip(*idle, get("/1")).body == "ok");
  CHECK(idle->closed_by_server(3000ms));  // after about 100 ms of silence
  CHECK(idle->buffered().empty());
}

TEST_CASE("http server connections: a malformed request gets 400 and the connection closes") {
  int calls = 0;
  auto server = start_server(options_for(false), [&calls](const HttpRequest&) {
    ++calls;
    return HttpResponse{200, {}, "ok"};
  });
  const auto [request, status] = GENERATE(table<std::string, int>({
      {"this is not http\r\n\r\n", 400},
      {"GET /\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost wfm.test\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 400},
      {"PUT / HTTP/1.1\r\nExpect: something-else\r\nContent-Length: 1\r\n\r\nx", 417},
  }));
  INFO(request);
  auto client = connect_to(*server);
  const RawResponse response = round_trip(*client, request);
  CHECK(response.status == status);
  CHECK(starts_with(response.head, "HTTP/1.1 " + std::to_string(status) + " "));
  CHECK(response.headers.get("Connection") == "close");
  CHECK(response.headers.get("Content-Type") == "text/plain; charset=utf-8");
  CHECK(starts_with(response.body, std::to_string(status) + " "));
  CHECK(client->closed_by_server());
  CHECK(calls == 0);
}

TEST_CASE("http server connections: a body over max_body_bytes gets 413, a head over max_header_bytes 431") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  HttpServerOptions options = options_for(tls);
  options.max_body_bytes = 16;
  options.max_header_bytes = 1024;
  int calls = 0;
  auto server = start_server(options, [&calls](const HttpRequest& request) {
    ++calls;
    return HttpResponse{200, {}, request.body};
  });

  CHECK(round_trip(*connect_to(*server), "POST / HTTP/1.1\r\nContent-Length: 16\r\n\r\n0123456789abcdef")
            .body == "0123456789abcdef");  // at the limit: fine
  const std::string requests[] = {
      "POST / HTTP/1.1\r\nContent-Length: 17\r\n\r\n0123456789abcdefg",
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n",
  };
  for (const std::string& request : requests) {
    INFO(request);
    auto client = connect_to(*server);
    const RawResponse response = round_trip(*client, request);
    CHECK(starts_with(response.head, "HTTP/1.1 413 "));
    CHECK(response.headers.get("Connection") == "close");
    CHECK(client->closed_by_server());
  }
  auto client = connect_to(*server);
  const RawResponse response = round_trip(*client, get("/", "X-Big: " + std::string(2000, 'x') + "\r\n"));
  CHECK(starts_with(response.head, "HTTP/1.1 431 "));
  CHECK(client->closed_by_server());
  CHECK(calls == 1);
}

TEST_CASE("http server connections: beyond max_connections a connection is accepted and closed at once") {
  HttpServerOptions options = options_for(false);
  options.max_connections = 1;
  auto server = start_server(options, answer_ok);
  auto first = connect_to(*server);
  CHECK(round_trip(*first, get("/")).body == "ok");  // surely accepted and being served
  RawClient second("127.0.0.1", server->port(), false);
  CHECK(second.closed_by_server());
  CHECK(second.buffered().empty());
  CHECK(round_trip(*first, get("/")).body == "ok");
}

TEST_CASE("http server connections: stop() is prompt with idle and silent connections open") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  HttpServerOptions options = options_for(tls);
  options.keep_alive_timeout = 60s;  // stop() must not wait for it
  auto server = start_server(options, answer_ok);
  auto idle = connect_to(*server);
  CHECK(round_trip(*idle, get("/")).body == "ok");
  RawClient silent("127.0.0.1", server->port(), false);  // no request; no TLS handshake either
  auto half = connect_to(*server);
  half->send("GET / HTTP/1.1\r\nHost: wfm");  // a request that has begun

  const auto begin = std::chrono::steady_clock::now();
  server->stop();
  CHECK(std::chrono::steady_clock::now() - begin < 1s);
  CHECK(idle->closed_by_server(1000ms));
  CHECK(silent.closed_by_server(1000ms));
  CHECK(half->closed_by_server(1000ms));
  server->stop();  // idempotent
}

TEST_CASE("http server connections: stop() lets a response being written finish, saying Connection: close") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  std::promise<void> entered_promise;
  std::promise<void> release_promise;
  auto entered = entered_promise.get_future();
  auto release = release_promise.get_future();
  auto server = start_server(options_for(tls), [&](const HttpRequest&) {
    entered_promise.set_value();
    release.wait_for(10s);
    return HttpResponse{200, {}, "late"};
  });
  auto client = connect_to(*server);
  client->send(get("/"));
  REQUIRE(entered.wait_for(10s) == std::future_status::ready);
  std::thread stopper([&] { server->stop(); });
  CHECK(listener_closed(server->port()));  // stop() has begun
  release_promise.set_value();
  const auto response = client->read_response();
  stopper.join();
  REQUIRE(response.has_value());
  CHECK(response->body == "late");
  CHECK(response->headers.get("Connection") == "close");
  CHECK(client->closed_by_server());
}

TEST_CASE("http server connections: writing after stop() shut a connection down raises no SIGPIPE") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  std::promise<void> entered_promise;
  std::promise<void> release_promise;
  auto entered = entered_promise.get_future();
  auto release = release_promise.get_future();
  auto server = start_server(options_for(tls), [&](const HttpRequest&) {
    entered_promise.set_value();
    release.wait_for(10s);
    return HttpResponse{200, {}, std::string(1024 * 1024, 'x')};
  });
  auto client = connect_to(*server);
  client->send(get("/"));
  REQUIRE(entered.wait_for(10s) == std::future_status::ready);
  std::thread stopper([&] { server->stop(); });
  // After its grace period stop() shuts the socket down for writing too, which the client sees as the
  // end of the stream; only then does the handler return, so the server writes to a shut-down socket
  // (EPIPE), which would kill this process with SIGPIPE without MSG_NOSIGNAL.
  CHECK(client->closed_by_server(5000ms));
  release_promise.set_value();
  stopper.join();
  CHECK(client->buffered().empty());
}

TEST_CASE("http server connections: a client that goes away mid-exchange does not disturb the server") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  std::promise<void> gone_promise;
  auto gone = gone_promise.get_future().share();
  int calls = 0;
  auto server = start_server(options_for(tls), [&](const HttpRequest&) {
    if (++calls == 1) gone.wait_for(10s);
    return HttpResponse{200, {}, std::string(4 * 1024 * 1024, 'x')};
  });
  {
    auto leaving = connect_to(*server);
    leaving->send(get("/"));
    leaving->close(/*reset=*/GENERATE(false, true));
  }
  gone_promise.set_value();
  auto next = connect_to(*server);
  const RawResponse response = round_trip(*next, get("/"));
  CHECK(response.body.size() == 4 * 1024 * 1024);
}
