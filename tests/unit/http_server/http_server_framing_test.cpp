// Raw bytes against HttpServer: responses are framed like Go's net/http, requests reach the handler
// as they were sent.

#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "server_fixture.hpp"

using namespace margo;
using namespace margo::testing;

namespace {

// Handler for the framing cases: the path picks the answer.
HttpResponse framing_cases(const HttpRequest& request) {
  const std::string path = request.url.substr(request.url.find('/', 8));
  HttpResponse response;
  if (path == "/not-modified") {
    response.status = 304;
    response.headers.add("ETag", "\"abc\"");
    response.headers.add("Content-Type", "application/json");
    response.headers.add("Content-Length", "10");
    response.body = "0123456789";
  } else if (path == "/no-content") {
    response.status = 204;
    response.headers.add("Transfer-Encoding", "chunked");
    response.headers.add("Content-Length", "4");
    response.body = "junk";
  } else if (path == "/wrong-length") {
    response.status = 200;
    response.headers.add("Content-Length", "5");
    response.headers.add("Transfer-Encoding", "chunked");
    response.headers.add("X-Kept", "yes");
    response.body = "hello world";
  } else if (path == "/typed") {
    response.status = 201;
    response.headers.add("Content-Type", "application/json");
    response.body = "{}";
  } else if (path == "/empty") {
    response.status = 200;
  } else if (path == "/throw") {
    throw std::runtime_error("boom");
  } else {
    response.status = 200;
    response.body = "twelve bytes";
  }
  return response;
}

}  // namespace

TEST_CASE("http server framing: 304 and 204 carry no Content-Length and no body; the connection goes on") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  auto server = start_server(options_for(tls), framing_cases);
  auto client = connect_to(*server);

  const RawResponse not_modified = round_trip(*client, get("/not-modified"));
  CHECK(starts_with(not_modified.head, "HTTP/1.1 304 Not Modified\r\n"));
  CHECK(not_modified.count("Content-Length") == 0);
  CHECK(not_modified.count("Transfer-Encoding") == 0);
  CHECK(not_modified.count("Content-Type") == 0);
  CHECK(not_modified.count("Connection") == 0);
  CHECK(not_modified.headers.get("ETag") == "\"abc\"");
  const auto date = not_modified.headers.get("Date");
  REQUIRE(date.has_value());
  CHECK(std::regex_match(*date, std::regex("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
                                           "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                                           "[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT")));

  // Had the 304 carried its handler's body, those bytes would come before this status line.
  const RawResponse no_content = round_trip(*client, get("/no-content"));
  CHECK(starts_with(no_content.head, "HTTP/1.1 204 No Content\r\n"));
  CHECK(no_content.count("Content-Length") == 0);
  CHECK(no_content.count("Transfer-Encoding") == 0);

  const RawResponse after = round_trip(*client, get("/ok"));
  CHECK(starts_with(after.head, "HTTP/1.1 200 OK\r\n"));
  CHECK(after.headers.get("Content-Length") == "12");
  CHECK(after.body == "twelve bytes");
  CHECK(client->buffered().empty());
}

TEST_CASE(
    "http server framing: the server computes Content-Length; Content-Type only when the handler set it") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  auto server = start_server(options_for(tls), framing_cases);
  auto client = connect_to(*server);

  const RawResponse wrong = round_trip(*client, get("/wrong-length"));
  CHECK(starts_with(wrong.head, "HTTP/1.1 200 OK\r\n"));
  CHECK(wrong.count("Content-Length") == 1);
  CHECK(wrong.headers.get("Content-Length") == "11");
  CHECK(wrong.count("Transfer-Encoding") == 0);
  CHECK(wrong.count("Content-Type") == 0);
  CHECK(wrong.headers.get("X-Kept") == "yes");
  CHECK(wrong.body == "hello world");

  const RawResponse typed = round_trip(*client, get("/typed"));
  CHECK(starts_with(typed.head, "HTTP/1.1 201 Created\r\n"));
  CHECK(typed.count("Content-Type") == 1);
  CHECK(typed.headers.get("Content-Type") == "application/json");
  CHECK(typed.body == "{}");

  const RawResponse empty = round_trip(*client, get("/empty"));
  CHECK(empty.headers.get("Content-Length") == "0");
  CHECK(empty.count("Content-Type") == 0);
  CHECK(empty.body.empty());

  const RawResponse failed = round_trip(*client, get("/throw"));
  CHECK(starts_with(failed.head, "HTTP/1.1 500 Internal Server Error\r\n"));
  CHECK(failed.headers.get("Content-Type") == "text/plain");
  CHECK(failed.body == "handler failed: boom");

  CHECK(round_trip(*client, get("/ok")).body == "twelve bytes");  // still serving
  CHECK(client->buffered().empty());
}

TEST_CASE("http server framing: HEAD gets the headers of a GET and no body") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  std::vector<std::string> methods;
  auto server = start_server(options_for(tls), [&methods](const HttpRequest& request) {
    methods.push_back(request.method);
    return framing_cases(request);
  });
  auto client = connect_to(*server);

  client->send("HEAD /ok HTTP/1.1\r\nHost: wfm.test\r\n\r\n");
  const auto head = client->read_until("\r\n\r\n");
  REQUIRE(head.has_value());
  CHECK(starts_with(*head, "HTTP/1.1 200 OK\r\n"));
  CHECK(head->find("\r\nContent-Length: 12\r\n") != std::string::npos);

  client->send("HEAD /not-modified HTTP/1.1\r\nHost: wfm.test\r\n\r\n");
  const auto not_modified = client->read_until("\r\n\r\n");
  REQUIRE(not_modified.has_value());
  CHECK(starts_with(*not_modified, "HTTP/1.1 304 Not Modified\r\n"));  // no body bytes of the HEAD before it
  CHECK(not_modified->find("Content-Length") == std::string::npos);

  const RawResponse after = round_trip(*client, get("/ok"));
  CHECK(starts_with(after.head, "HTTP/1.1 200 OK\r\n"));
  CHECK(after.body == "twelve bytes");
  CHECK(methods == std::vector<std::string>{"HEAD", "HEAD", "GET"});
}

TEST_CASE("http server framing: pipelined requests are answered in order") {
  std::vector<std::string> targets;
  auto server = start_server(options_for(false), [&targets](const HttpRequest& request) {
    targets.push_back(request.url);
    return HttpResponse{200, {}, request.url.substr(request.url.rfind('/'))};
  });
  auto client = connect_to(*server);
  client->send(get("/one") + get("/two") +
               "POST /three HTTP/1.1\r\nHost: wfm.test\r\nContent-Length: 3\r\n\r\nabc");
  CHECK(client->read_response()->body == "/one");
  CHECK(client->read_response()->body == "/two");
  CHECK(client->read_response()->body == "/three");
  CHECK(targets ==
        std::vector<std::string>{"http://wfm.test/one", "http://wfm.test/two", "http://wfm.test/three"});
}

TEST_CASE("http server requests: method, raw target and every header reach the handler as sent") {
  HttpRequest seen;
  auto server = start_server(options_for(false), [&seen](const HttpRequest& request) {
    seen = request;
    return HttpResponse{200, {}, "ok"};
  });
  auto client = connect_to(*server);
  round_trip(*client,
             "PROPFIND /a%2Fb/../c?x=%20&y=%zz HTTP/1.1\r\nHost: wfm.example:8443\r\nX-Twice: one\r\n"
             "x-other: between\r\nX-Twice: two\r\nContent-Length: 4\r\n\r\nbody");
  CHECK(seen.method == "PROPFIND");
  CHECK(seen.url == "http://wfm.example:8443/a%2Fb/../c?x=%20&y=%zz");
  std::vector<std::string> fields;
  for (const auto& field : seen.headers) fields.push_back(field.name + "=" + field.value);
  CHECK(fields == std::vector<std::string>{"Host=wfm.example:8443", "X-Twice=one", "x-other=between",
                                           "X-Twice=two", "Content-Length=4"});
  CHECK(seen.body == "body");

  // A head in pieces (Beast takes it a line or a field at a time): still every field, in order.
  client->send("GET /pieces HTTP/1.1\r\nHo");
  client->send("st: wfm.test\r\nX-Twice: one\r\nx-oth");
  client->send("er: between\r\n");
  client->send("X-Twice: two\r\n\r\n");
  REQUIRE(client->read_response().has_value());
  fields.clear();
  for (const auto& field : seen.headers) fields.push_back(field.name + "=" + field.value);
  CHECK(fields == std::vector<std::string>{"Host=wfm.test", "X-Twice=one", "x-other=between", "X-Twice=two"});
  CHECK(seen.url == "http://wfm.test/pieces");

  // No Host: the address the server listens on.
  client->send("GET /no-host HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  REQUIRE(client->read_response().has_value());
  CHECK(seen.url == "http://127.0.0.1:" + std::to_string(server->port()) + "/no-host");
}

TEST_CASE("http server requests: an IPv6 listener works and names itself in brackets") {
  HttpServerOptions options;
  options.host = "::1";
  auto started = HttpServer::start(options, [](const HttpRequest& request) {
    return HttpResponse{200, {}, request.url};
  });
  const bool no_ipv6 = !started.ok() && (started.error().message.find("Cannot assign") != std::string::npos ||
                                         started.error().message.find("Address family") != std::string::npos);
  if (no_ipv6) {
    WARN("no IPv6 loopback here: " + started.error().message);
    return;
  }
  REQUIRE(started.ok());
  auto& server = *started;
  CHECK(server->origin() == "http://[::1]:" + std::to_string(server->port()));
  RawClient client("::1", server->port(), false);
  client.send("GET /six HTTP/1.1\r\n\r\n");
  const auto response = client.read_response();
  REQUIRE(response.has_value());
  CHECK(response->body == "http://[::1]:" + std::to_string(server->port()) + "/six");
}

TEST_CASE("http server requests: a chunked body reaches the handler whole") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  HttpRequest seen;
  auto server = start_server(options_for(tls), [&seen](const HttpRequest& request) {
    seen = request;
    return HttpResponse{200, {}, request.body};
  });
  auto client = connect_to(*server);
  client->send(
      "POST /chunked HTTP/1.1\r\nHost: wfm.test\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n");
  client->send("8;ext=1\r\nchunked \r\n5\r\nworld\r\n");
  client->send("0\r\nX-Trailer: t\r\n\r\n");
  const auto response = client->read_response();
  REQUIRE(response.has_value());
  CHECK(response->status == 200);
  CHECK(response->body == "hello chunked world");
  CHECK(seen.body == "hello chunked world");
  CHECK(seen.headers.get("Transfer-Encoding") == "chunked");
  CHECK(round_trip(*client, get("/next")).status == 200);  // the connection goes on after the chunked body

  // Bodies far larger than one read, chunked and with a Content-Length.
  std::string chunked;
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    const std::string piece(1000 + i, static_cast<char>('a' + i % 26));
    char size[16];
    std::snprintf(size, sizeof(size), "%zx", piece.size());
    chunked += std::string(size) + "\r\n" + piece + "\r\n";
    expected += piece;
  }
  const RawResponse large_chunked =
      round_trip(*client, "POST /many HTTP/1.1\r\nHost: wfm.test\r\nTransfer-Encoding: chunked\r\n\r\n" +
                              chunked + "0\r\n\r\n");
  CHECK(large_chunked.body == expected);
  const RawResponse large = round_trip(*client, "POST /big HTTP/1.1\r\nHost: wfm.test\r\nContent-Length: " +
                                                    std::to_string(expected.size()) + "\r\n\r\n" + expected);
  CHECK(large.body == expected);
}

TEST_CASE("http server requests: Expect: 100-continue gets 100 Continue before the body is sent") {
  const bool tls = GENERATE(false, true);
  INFO((tls ? "https" : "http"));
  HttpServerOptions options = options_for(tls);
  options.max_body_bytes = 100;
  int calls = 0;
  auto server = start_server(options, [&calls](const HttpRequest& request) {
    ++calls;
    return HttpResponse{200, {}, request.body};
  });
  auto client = connect_to(*server);
  client->send("PUT /upload HTTP/1.1\r\nHost: wfm.test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  CHECK(client->read_until("\r\n\r\n") == "HTTP/1.1 100 Continue\r\n\r\n");
  CHECK(calls == 0);
  client->send("12345");
  const auto response = client->read_response();
  REQUIRE(response.has_value());
  CHECK(starts_with(response->head, "HTTP/1.1 200 OK\r\n"));
  CHECK(response->body == "12345");

  // A body over the limit is refused at once, without a 100 Continue.
  client->send(
      "PUT /upload HTTP/1.1\r\nHost: wfm.test\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n");
  const auto refused = client->read_response();
  REQUIRE(refused.has_value());
  CHECK(starts_with(refused->head, "HTTP/1.1 413 "));
  CHECK(calls == 1);
}
