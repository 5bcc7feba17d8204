// How the real HTTPS client frames responses (RFC 9112 section 6): the servers here send exact bytes,
// including framings that our own httplib-based servers never produce but Go's, Node's and Python's
// servers do.

#include <catch2/catch.hpp>

#include <zlib.h>

#include "agent/adapters/http/https_client.hpp"
#include "tests/contract/http/loop_thread.hpp"
#include "tests/unit/adapters_http/scripted_server.hpp"

using namespace margo;
using namespace margo::testing;
using namespace std::chrono_literals;

namespace {

struct FramingRig {
  explicit FramingRig(Script script, HttpsClientOptions options = {})
      : ca(make_test_ca("margo framing CA")),
        ca_file(certificate_pem(*ca.certificate)),
        server_identity(make_test_server(ca, "IP:127.0.0.1")),
        server(&server_identity, std::move(script)) {
    options.ca_file = ca_file.path();
    auto created = HttpsClient::create(loop.loop(), workers, options);
    REQUIRE(created.ok());
    client = std::move(created).value();
  }

  CallOutcome<HttpResponse> send(HttpRequest request) {
    if (request.url.empty() || request.url.front() == '/') request.url = server.base_url() + request.url;
    return loop.call<HttpResponse>(
        [this, request](Callback<HttpResponse> done) { client->send(request, done); });
  }

  CallOutcome<HttpResponse> get(const std::string& path, Duration timeout = 20s) {
    HttpRequest request;
    request.url = path;
    request.timeout = timeout;
    return send(request);
  }

  TlsIdentity ca;
  TempFile ca_file;
  TlsIdentity server_identity;
  ScriptedServer server;
  LoopThread loop;
  WorkerPool workers{2};
  std::unique_ptr<HttpsClient> client;
};

HttpResponse response_of(const CallOutcome<HttpResponse>& outcome) {
  REQUIRE(outcome.result.has_value());
  if (!outcome.result->ok()) FAIL(outcome.result->error().code + ": " + outcome.result->error().message);
  return outcome.result->value();
}

Error error_of(const CallOutcome<HttpResponse>& outcome) {
  REQUIRE(outcome.result.has_value());
  REQUIRE_FALSE(outcome.result->ok());
  return outcome.result->error();
}

std::string gzip(const std::string& text) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, text.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&stream, Z_FINISH) == Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string with_length(const std::string& head, const std::string& body) {
  return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

using SteadyClock = std::chrono::steady_clock;

}  // namespace

TEST_CASE("a 304 without Content-Length ends at its head and keeps the connection", "[framing]") {
  // Go's, Node's and Python's servers answer 304 like this and keep the connection open; a client that
  // reads on until the connection closes stalls until the server's idle timeout, or fails at its own.
  FramingRig rig([](const ReceivedRequest&) {
    return raw_reply(
        "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nDate: Thu, 03 Dec 2026 07:00:00 GMT\r\n\r\n");
  });

  for (int poll = 0; poll < 3; ++poll) {
    const auto started = SteadyClock::now();
    const HttpResponse response = response_of(rig.get("/api/v1/clients/c/deployments", 10s));
    CHECK(SteadyClock::now() - started < 2s);
    CHECK(response.status == 304);
    CHECK(response.body.empty());
    CHECK(response.headers.get("etag") == "\"v1\"");
  }
  CHECK(rig.server.connections() == 1);
}

TEST_CASE("responses that never carry a body end at their head", "[framing]") {
  FramingRig rig([](const ReceivedRequest& request) {
    if (request.method == "HEAD")
      return raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nContent-Type: text/plain\r\n\r\n");
    if (request.target == "/204") return raw_reply("HTTP/1.1 204 No Content\r\n\r\n");
    // A 304 whose Content-Length describes the representation it stands for, not a body.
    return raw_reply("HTTP/1.1 304 Not Modified\r\nContent-Length: 5000\r\n\r\n");
  });

  HttpRequest head;
  head.method = "HEAD";
  head.url = "/head";
  const HttpResponse head_response = response_of(rig.send(head));
  CHECK(head_response.status == 200);
  CHECK(head_response.body.empty());
  CHECK(head_response.headers.get("Content-Length") == "1234");
  CHECK(response_of(rig.get("/204")).status == 204);
  CHECK(response_of(rig.get("/304")).status == 304);
  CHECK(response_of(rig.get("/204")).status == 204);
  CHECK(rig.server.connections() == 1);
}

TEST_CASE("a chunked body is decoded, extensions and trailers ignored", "[framing]") {
  FramingRig rig([](const ReceivedRequest&) {
    ScriptedReply reply;
    reply.pieces = {
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n", 0ms},
        {"5;name=value\r\n{\"man\r\n", 20ms},
        {"A\r\nifestVersi\r\n", 20ms},
        {"7\r\non\": 7}\r\n0\r\nX-Trailer: t\r\n\r\n", 0ms}};
    return reply;
  });

  for (int round = 0; round < 2; ++round) {
    const HttpResponse response = response_of(rig.get("/chunked"));
    CHECK(response.status == 200);
    CHECK(response.body == "{\"manifestVersion\": 7}");
  }
  CHECK(rig.server.connections() == 1);
}

TEST_CASE("a body without length or chunking is read until the server closes", "[framing]") {
  FramingRig rig([](const ReceivedRequest&) {
    ScriptedReply reply;
    reply.pieces = {{"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nfirst part, ", 30ms},
                    {"second part", 0ms}};
    reply.close_after = true;
    return reply;
  });

  CHECK(response_of(rig.get("/a")).body == "first part, second part");
  CHECK(response_of(rig.get("/b")).body == "first part, second part");
  CHECK(rig.server.connections() == 2);
}

TEST_CASE("Connection: close and HTTP/1.0 answers are not reused", "[framing]") {
  FramingRig rig([](const ReceivedRequest& request) {
    if (request.target == "/close")
      return raw_reply(with_length("HTTP/1.1 200 OK\r\nConnection: close\r\n", "bye"), true);
    return raw_reply(with_length("HTTP/1.0 200 OK\r\n", "old"));
  });

  CHECK(response_of(rig.get("/close")).body == "bye");
  CHECK(response_of(rig.get("/close")).body == "bye");
  CHECK(response_of(rig.get("/old")).body == "old");
  CHECK(response_of(rig.get("/old")).body == "old");
  CHECK(rig.server.connections() == 4);
}

TEST_CASE("a connection the server closed while idle is replaced without an error", "[framing]") {
  FramingRig rig(
      [](const ReceivedRequest&) { return raw_reply(with_length("HTTP/1.1 200 OK\r\n", "fine")); });

  CHECK(response_of(rig.get("/1")).body == "fine");
  rig.server.close_idle_connections();
  std::this_thread::sleep_for(50ms);  // the FIN reaches the client before its next request
  CHECK(response_of(rig.get("/2")).body == "fine");
  HttpRequest post;
  post.method = "POST";
  post.url = "/3";
  post.body = "{}";
  rig.server.close_idle_connections();
  std::this_thread::sleep_for(50ms);
  CHECK(response_of(rig.send(post)).body == "fine");
  CHECK(rig.server.connections() == 3);
  CHECK(rig.server.requests() == 3);
}

TEST_CASE("interim 1xx responses are skipped", "[framing]") {
  FramingRig rig([](const ReceivedRequest&) {
    return raw_reply("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n" +
                     with_length("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n", "{\"ok\":1}"));
  });

  HttpRequest post;
  post.method = "POST";
  post.url = "/status";
  post.body = "{\"state\":\"installed\"}";
  const HttpResponse response = response_of(rig.send(post));
  CHECK(response.status == 201);
  CHECK(response.body == "{\"ok\":1}");
  CHECK_FALSE(response.headers.has("Link"));
}

TEST_CASE("gzip Content-Encoding is undone, and the size limit applies to what it unpacks to", "[framing]") {
  const std::string manifest = "{\"manifestVersion\": 3, \"padding\": \"" + std::string(20000, 'a') + "\"}";
  std::string accept_encoding;
  FramingRig rig([&](const ReceivedRequest& request) {
    const auto at = request.head.find("Accept-Encoding: ");
    accept_encoding =
        at == std::string::npos ? "" : request.head.substr(at + 17, request.head.find('\r', at) - at - 17);
    if (request.target == "/broken")
      return raw_reply(with_length("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n", "not gzip at all"));
    if (request.target == "/brotli")
      return raw_reply(with_length("HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n", "\x1b\x03"));
    return raw_reply(with_length(
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\n", gzip(manifest)));
  });

  SECTION("decoded, its coding headers removed") {
    const HttpResponse response = response_of(rig.get("/m"));
    CHECK(response.body == manifest);
    CHECK_FALSE(response.headers.has("Content-Encoding"));
    CHECK(response.headers.get("Content-Type") == "application/json");
    CHECK(accept_encoding == "gzip");
  }
  SECTION("a small archive that unpacks past the limit is refused") {
    HttpRequest request;
    request.url = "/m";
    request.max_response_bytes = 10000;
    const Error error = error_of(rig.send(request));
    CHECK(error.code == "http.response_too_large");
  }
  SECTION("a body that is not gzip is a bad response") {
    const Error error = error_of(rig.get("/broken"));
    CHECK(error.code == "http.bad_response");
    CHECK(error.message.find("gzip") != std::string::npos);
  }
  SECTION("a coding it did not ask for is a bad response") {
    const Error error = error_of(rig.get("/brotli"));
    CHECK(error.code == "http.bad_response");
    CHECK(error.message.find("br") != std::string::npos);
  }
}

TEST_CASE("malformed responses fail with http.bad_response naming the fault", "[framing]") {
  const auto [path, bytes, words] = GENERATE(table<std::string, std::string, std::string>({
      {"/garbage", "SSH-2.0-OpenSSH_9.2\r\n\r\n", "status line"},
      {"/lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
       "Content-Length"},
      {"/negative", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length"},
      {"/both", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n",
       "Content-Length"},
      {"/chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", "chunk"},
      {"/header", "HTTP/1.1 200 OK\r\nNo colon here\r\nContent-Length: 0\r\n\r\n", "header"},
      {"/status", "HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok", "status code 99"},
      {"/status", "HTTP/1.1 700 Odd\r\nContent-Length: 2\r\n\r\nok", "status code 700"},
  }));
  FramingRig rig([bytes](const ReceivedRequest&) { return raw_reply(bytes, true); });

  const Error error = error_of(rig.get(path));
  INFO(error.message);
  CHECK(error.code == "http.bad_response");
  CHECK(error.retryable());
  CHECK(error.message.find(words) != std::string::npos);
  CHECK(error.message.find(path) != std::string::npos);
}

TEST_CASE("a head larger than the limit is refused", "[framing]") {
  FramingRig rig([](const ReceivedRequest&) {
    return raw_reply("HTTP/1.1 200 OK\r\nX-Huge: " + std::string(200 * 1024, 'h') +
                     "\r\nContent-Length: 0\r\n\r\n");
  });
  const Error error = error_of(rig.get("/huge-head"));
  CHECK(error.code == "http.bad_response");
  CHECK(error.message.find("head") != std::string::npos);
}

TEST_CASE("a body cut short by the server is a lost connection", "[framing]") {
  FramingRig rig([](const ReceivedRequest& request) {
    if (request.target == "/chunked")
      return raw_reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly a few", true);
    return raw_reply("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a few bytes", true);
  });
  const std::string path = GENERATE(as<std::string>{}, "/length", "/chunked");
  const Error error = error_of(rig.get(path));
  CHECK(error.code == "http.connection_lost");
  CHECK(error.retryable());
}

TEST_CASE("a Content-Length over max_response_bytes is refused at the head, a huge one too", "[framing]") {
  const std::string length = GENERATE(as<std::string>{}, "4097", "3482879571417046131");
  FramingRig rig([length](const ReceivedRequest&) {
    return raw_reply("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\nthe start of a body");
  });
  HttpRequest request;
  request.url = "/big";
  request.max_response_bytes = 4096;
  CHECK(error_of(rig.send(request)).code == "http.response_too_large");
}

TEST_CASE("a chunked body over max_response_bytes is refused while it arrives", "[framing]") {
  FramingRig rig([](const ReceivedRequest&) {
    ScriptedReply reply;
    reply.pieces.push_back({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", 0ms});
    for (int chunk = 0; chunk < 8; ++chunk)
      reply.pieces.push_back({"400\r\n" + std::string(1024, 'x') + "\r\n", 0ms});
    reply.pieces.push_back({"0\r\n\r\n", 0ms});
    return reply;
  });
  HttpRequest request;
  request.url = "/big";
  request.max_response_bytes = 4096;
  CHECK(error_of(rig.send(request)).code == "http.response_too_large");
}

TEST_CASE("a body that stalls past the read timeout is reported as a timeout", "[framing]") {
  FramingRig rig(
      [](const ReceivedRequest& request) {
        ScriptedReply reply;
        if (request.target == "/stall") {
          reply.pieces = {{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf", 1500ms}, {"-done", 0ms}};
        } else {
          // Steady, each piece inside the read timeout, but slower in all than the request's timeout.
          reply.pieces.push_back({"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n", 0ms});
          for (int piece = 0; piece < 12; ++piece) reply.pieces.push_back({"x", 150ms});
        }
        return reply;
      },
      [] {
        HttpsClientOptions options;
        options.read_timeout = 400ms;
        return options;
      }());

  SECTION("silence longer than the read timeout") {
    const auto started = SteadyClock::now();
    const Error error = error_of(rig.get("/stall"));
    CHECK(error.code == "http.timeout");
    CHECK(error.message.find("no data within") != std::string::npos);
    CHECK(SteadyClock::now() - started < 1400ms);
  }
  SECTION("a trickle that outlasts the request's own timeout") {
    const Error error = error_of(rig.get("/trickle", 700ms));
    CHECK(error.code == "http.timeout");
    CHECK(error.message.find("exceeded") != std::string::npos);
  }
}
