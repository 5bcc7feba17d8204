#include <catch2/catch.hpp>

#include <vector>

#include "sim/adapters/seeded_random.hpp"
#include "sim/adapters/sim_network.hpp"
#include "sim/adapters/virtual_executor.hpp"

using namespace margo;

namespace {

constexpr const char* kOrigin = "https://wfm.test";

struct Completion {
  MonoTime at;
  std::optional<Result<HttpResponse>> result;
};

// A network on virtual time with one host that counts what reaches it.
struct NetworkRig {
  explicit NetworkRig(std::uint64_t seed, LinkProfile link = {}) : random(seed) {
    network.set_default_link(link);
    REQUIRE(network
                .add_host(kOrigin,
                          [this](const HttpRequest& request) {
                            ++handled;
                            return HttpResponse{200, {}, "hello " + request.method};
                          })
                .ok());
  }

  // Sends the request now; the completion is recorded when it runs.
  std::shared_ptr<Completion> send(HttpRequest request) {
    auto completion = std::make_shared<Completion>();
    network.send(std::move(request), [this, completion](Result<HttpResponse> result) {
      REQUIRE_FALSE(completion->result.has_value());
      completion->at = executor.now();
      completion->result = std::move(result);
    });
    return completion;
  }

  std::shared_ptr<Completion> send_to(const std::string& url, Duration timeout = std::chrono::seconds(5)) {
    HttpRequest request;
    request.url = url;
    request.timeout = timeout;
    return send(std::move(request));
  }

  VirtualExecutor executor;
  SeededRandom random;
  SimNetwork network{executor, random};
  int handled = 0;
};

std::vector<MonoTime> completion_times(std::uint64_t seed) {
  NetworkRig rig(seed, LinkProfile{Duration(5), Duration(500), 0.0});
  std::vector<std::shared_ptr<Completion>> completions;
  for (int i = 0; i < 20; ++i) completions.push_back(rig.send_to(std::string(kOrigin) + "/poll"));
  rig.executor.run_until_idle();
  std::vector<MonoTime> times;
  for (const auto& completion : completions) {
    REQUIRE(completion->result.has_value());
    REQUIRE(completion->result->ok());
    times.push_back(completion->at);
  }
  return times;
}

}  // namespace

TEST_CASE("origins are normalised: case, default ports, no path", "[sim_network]") {
  CHECK(SimNetwork::normalise_origin("https://WFM.Test").value() == "https://wfm.test:443");
  CHECK(SimNetwork::normalise_origin("http://wfm.test").value() == "http://wfm.test:80");
  CHECK(SimNetwork::normalise_origin("https://wfm.test:8443/").value() == "https://wfm.test:8443");
  CHECK(SimNetwork::normalise_origin("https://[::1]:9000").value() == "https://[::1]:9000");
  CHECK(SimNetwork::normalise_origin("https://wfm.test/api").error().code == "sim.bad_origin");
  CHECK(SimNetwork::normalise_origin("wfm.test").error().code == "sim.bad_origin");
}

TEST_CASE("a request to a host written differently reaches the same handler", "[sim_network]") {
  NetworkRig rig(1);
  const auto completion = rig.send_to("https://WFM.test:443/a?b=c");
  rig.executor.run_until_idle();
  REQUIRE(completion->result.has_value());
  REQUIRE(completion->result->ok());
  CHECK(completion->result->value().body == "hello GET");
  CHECK(rig.handled == 1);
}

TEST_CASE("latency is drawn per leg within the link's range, and replays by seed", "[sim_network]") {
  const std::vector<MonoTime> first = completion_times(7);
  CHECK(first == completion_times(7));
  CHECK(first != completion_times(8));
  for (const MonoTime at : first) {
    CHECK(at >= Duration(10));    // two legs of at least 5 ms
    CHECK(at <= Duration(1000));  // two legs of at most 500 ms
  }
}

TEST_CASE("a fixed latency gives exact completion times", "[sim_network]") {
  NetworkRig rig(3, LinkProfile{Duration(25), Duration(25), 0.0});
  rig.executor.run_for(Duration(100));
  const auto completion = rig.send_to(std::string(kOrigin) + "/x");
  rig.executor.run_until_idle();
  REQUIRE(completion->result.has_value());
  CHECK(completion->at == Duration(150));
}

TEST_CASE("completions never run inside send()", "[sim_network]") {
  NetworkRig rig(4, LinkProfile{Duration(0), Duration(0), 0.0});
  const auto good = rig.send_to(std::string(kOrigin) + "/x");
  const auto bad = rig.send_to("::not a url::");
  const auto unknown = rig.send_to("https://nobody.test/");
  CHECK_FALSE(good->result.has_value());
  CHECK_FALSE(bad->result.has_value());
  CHECK_FALSE(unknown->result.has_value());
  rig.executor.run_until_idle();
  REQUIRE(good->result.has_value());
  CHECK(good->result->ok());
  REQUIRE(bad->result.has_value());
  CHECK(bad->result->error().code == "http.bad_url");
  REQUIRE(unknown->result.has_value());
  CHECK(unknown->result->error().code == "http.connect_failed");
}

TEST_CASE("an unknown origin fails with http.connect_failed after a round trip", "[sim_network]") {
  NetworkRig rig(5, LinkProfile{Duration(30), Duration(30), 0.0});
  const auto completion = rig.send_to("https://wfm.test:8443/x");  // right host, wrong port
  rig.executor.run_until_idle();
  REQUIRE(completion->result.has_value());
  REQUIRE_FALSE(completion->result->ok());
  CHECK(completion->result->error().code == "http.connect_failed");
  CHECK(completion->result->error().retryable());
  CHECK(completion->at == Duration(60));
  CHECK(rig.handled == 0);
}

TEST_CASE("lost legs end in http.timeout at the request's timeout", "[sim_network]") {
  SECTION("every leg lost: the handler never sees the request") {
    NetworkRig rig(6, LinkProfile{Duration(10), Duration(20), 1.0});
    const auto completion = rig.send_to(std::string(kOrigin) + "/x", Duration(3000));
    rig.executor.run_until_idle();
    REQUIRE(completion->result.has_value());
    REQUIRE_FALSE(completion->result->ok());
    CHECK(completion->result->error().code == "http.timeout");
    CHECK(completion->at == Duration(3000));
    CHECK(rig.handled == 0);
  }
  SECTION("half the legs lost: some requests time out, some handled requests lose their response") {
    NetworkRig rig(7, LinkProfile{Duration(10), Duration(20), 0.5});
    std::vector<std::shared_ptr<Completion>> completions;
    for (int i = 0; i < 200; ++i)
      completions.push_back(rig.send_to(std::string(kOrigin) + "/x", Duration(1000)));
    rig.executor.run_until_idle();
    int answered = 0;
    int timed_out = 0;
    for (const auto& completion : completions) {
      REQUIRE(completion->result.has_value());
      if (completion->result->ok()) {
        ++answered;
      } else {
        CHECK(completion->result->error().code == "http.timeout");
        CHECK(completion->at == Duration(1000));
        ++timed_out;
      }
    }
    CHECK(answered > 20);
    CHECK(timed_out > 100);
    CHECK(rig.handled > answered);  // lost responses: the server saw those requests
    CHECK(rig.network.counters().requests_delivered == static_cast<std::uint64_t>(rig.handled));
    CHECK(rig.network.counters().requests_failed == static_cast<std::uint64_t>(timed_out));
  }
}

TEST_CASE("a round trip longer than the timeout is a timeout even though the handler ran", "[sim_network]") {
  NetworkRig rig(8, LinkProfile{Duration(400), Duration(400), 0.0});
  const auto completion = rig.send_to(std::string(kOrigin) + "/x", Duration(500));
  rig.executor.run_until_idle();
  REQUIRE(completion->result.has_value());
  REQUIRE_FALSE(completion->result->ok());
  CHECK(completion->result->error().code == "http.timeout");
  CHECK(completion->at == Duration(500));
  CHECK(rig.handled == 1);
}

TEST_CASE("a partitioned origin fails fast with http.connect_failed until healed", "[sim_network]") {
  NetworkRig rig(9, LinkProfile{Duration(10), Duration(10), 0.0});
  REQUIRE(rig.network.set_partitioned("https://wfm.test:443", true).ok());
  const auto cut = rig.send_to(std::string(kOrigin) + "/x", std::chrono::seconds(30));
  rig.executor.run_until_idle();
  REQUIRE(cut->result.has_value());
  REQUIRE_FALSE(cut->result->ok());
  CHECK(cut->result->error().code == "http.connect_failed");
  CHECK(cut->at == Duration(20));
  CHECK(rig.handled == 0);

  REQUIRE(rig.network.set_partitioned(kOrigin, false).ok());
  const auto healed = rig.send_to(std::string(kOrigin) + "/x");
  rig.executor.run_until_idle();
  REQUIRE(healed->result.has_value());
  CHECK(healed->result->ok());
  CHECK(rig.handled == 1);
}

TEST_CASE("injected failures hit the next requests without reaching the handler", "[sim_network]") {
  NetworkRig rig(10);
  const Error refused = retryable_error("http.connection_lost", "injected reset");
  REQUIRE(rig.network.inject_failure(kOrigin, 2, refused).ok());
  std::vector<std::shared_ptr<Completion>> completions;
  for (int i = 0; i < 3; ++i) completions.push_back(rig.send_to(std::string(kOrigin) + "/x"));
  rig.executor.run_until_idle();
  for (int i = 0; i < 2; ++i) {
    REQUIRE(completions[i]->result.has_value());
    REQUIRE_FALSE(completions[i]->result->ok());
    CHECK(completions[i]->result->error().code == "http.connection_lost");
    CHECK(completions[i]->result->error().message == "injected reset");
  }
  REQUIRE(completions[2]->result.has_value());
  CHECK(completions[2]->result->ok());
  CHECK(rig.handled == 1);
  CHECK(rig.network.counters().requests_failed == 2);
}

TEST_CASE("configuration calls reject malformed origins", "[sim_network]") {
  NetworkRig rig(11);
  CHECK(rig.network.set_partitioned("not an origin", true).error().code == "sim.bad_origin");
  CHECK(rig.network.inject_failure("https://wfm.test/path", 1, Error{}).error().code == "sim.bad_origin");
  CHECK(rig.network.set_link("", LinkProfile{}).error().code == "sim.bad_origin");
  CHECK(rig.network.add_host("ftp://wfm.test", nullptr).error().code == "sim.bad_origin");
}

TEST_CASE("bodies over max_response_bytes fail with http.response_too_large", "[sim_network]") {
  NetworkRig rig(12);
  HttpRequest request;
  request.url = std::string(kOrigin) + "/x";
  request.max_response_bytes = 8;  // "hello GET" is 9 bytes
  const auto completion = rig.send(request);
  rig.executor.run_until_idle();
  REQUIRE(completion->result.has_value());
  REQUIRE_FALSE(completion->result->ok());
  CHECK(completion->result->error().code == "http.response_too_large");
  CHECK(rig.handled == 1);
}

TEST_CASE("counters add up requests and approximate wire bytes", "[sim_network]") {
  NetworkRig rig(13);
  HttpRequest get;
  get.url = "https://wfm.test/a?b";
  get.headers.add("X", "y");
  // "GET /a?b HTTP/1.1\r\n" 19 + "Host: wfm.test\r\n" 16 + "X: y\r\n" 6 + "\r\n" 2
  const std::uint64_t get_bytes = 43;
  HttpRequest post;
  post.method = "POST";
  post.url = "https://wfm.test/s";
  post.body = "12345";
  // "POST /s HTTP/1.1\r\n" 18 + Host 16 + "Content-Length: 5\r\n" 19 + "\r\n" 2 + body 5
  const std::uint64_t post_bytes = 60;
  // "HTTP/1.1 200 \r\n" 15 + "Content-Length: N\r\n" 19 + "\r\n" 2 + body ("hello GET", "hello POST")
  const std::uint64_t response_bytes = (15 + 19 + 2 + 9) + (15 + 20 + 2 + 10);

  rig.send(get);
  rig.send(post);
  rig.send_to("https://nobody.test/");
  rig.executor.run_until_idle();

  const NetworkCounters& counters = rig.network.counters();
  CHECK(counters.requests_sent == 3);
  CHECK(counters.requests_delivered == 2);
  CHECK(counters.requests_failed == 1);
  CHECK(counters.request_bytes == get_bytes + post_bytes + 37);  // "GET / HTTP/1.1\r\n" 16 + Host 19 + 2
  CHECK(counters.response_bytes == response_bytes);
}

TEST_CASE("destroying the network drops what is still in flight", "[sim_network]") {
  VirtualExecutor executor;
  SeededRandom random(14);
  bool completed = false;
  {
    SimNetwork network(executor, random);
    REQUIRE(network.add_host(kOrigin, [](const HttpRequest&) { return HttpResponse{200, {}, ""}; }).ok());
    HttpRequest request;
    request.url = std::string(kOrigin) + "/x";
    network.send(request, [&](Result<HttpResponse>) { completed = true; });
  }
  executor.run_until_idle();
  CHECK_FALSE(completed);
}
