// The real margo-agent against WFM stand-ins on Go net/http, Node.js https and Python http.server, each
// run with one framing or TLS knob turned (tests/interop/servers/README.md). One ctest entry per
// (stand-in, case), so ctest -j runs them side by side. Every run prints what it measured.
//
// What it reads from the agent besides the wire: the `wfm.timeouts.read` config key (the slow-body case)
// and, at DEBUG, the logfmt line of each WFM exchange (msg="wfm exchange" method=GET path=...
// status=304 durationMs=3), whose durationMs is the client-side latency of a poll.

#include <catch2/catch.hpp>

#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "interop_world.hpp"

using namespace margo::interop;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

// The figure's target: idle polls on a kept connection (the figures cases, 100 polls at rest).
constexpr double kMaxIdlePollMs = 50;
// The framing cases check that no poll stalls: a client that waits for a body a 304 never has takes
// seconds (5 s against Node, the 30 s read timeout against Go and Python). They run beside other tests
// and some reconnect with a TLS handshake on every poll, so their bound is not the figure's.
constexpr double kNoStallMs = 1000;
constexpr std::size_t kMaxKeepAliveHandshakes = 2;
// The agent spreads its polls by +/-10 % of the interval.
constexpr double kPollJitter = 0.1;

struct InteropCase {
  StandInSettings stand_in;
  AgentSettings agent;
  bool keep_alive = true;                // the stand-in keeps connections open: handshakes stay few
  std::optional<std::string> tls;        // every handshake must have negotiated this version
  bool closes_every_connection = false;  // --connection-close: one request per connection
  bool closes_idle_connections = false;  // --idle-close-ms below the interval: a new connection per poll
};

// What one run saw, from both ends.
struct Run {
  std::string title;
  ServerLog server;
  Progress progress;
  std::string agent_log;
  std::vector<AgentExchange> exchanges;
  std::vector<double> idle_poll_ms;  // client side: durationMs of the 304 manifest polls
  bool timed_out = false;
  bool agent_exited_early = false;
  int exit_code = -1;
  double seconds = 0;
  std::string kept_in;  // the run's directory, when MARGO_INTEROP_KEEP=1 keeps it
  std::string stand_in_stderr;
};

// The last `count` lines of a log, each indented.
std::string tail(const std::string& text, std::size_t count) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i)
    out += "    " + lines[i] + "\n";
  return out;
}

std::size_t count_bad_signatures(const ServerLog& log) {
  std::size_t bad = 0;
  for (const auto& request : log.requests) bad += request.signature != "ok";
  return bad;
}

std::string report(const Run& run) {
  std::ostringstream out;
  const Progress& p = run.progress;
  out << "---- interop " << run.title << ": " << run.seconds << " s";
  out << (run.kept_in.empty() ? std::string(" (MARGO_INTEROP_KEEP=1 keeps the logs)")
                              : " (kept in " + run.kept_in + ")");
  out << "\n";
  out << "  first sync: onboarded=" << p.onboarded << " capabilities=" << p.capabilities
      << " manifest200=" << p.manifest_200 << " bundle200=" << p.bundle_200
      << " installed=" << p.installed_at.has_value() << "; states reported:";
  for (const auto& state : p.states) out << ' ' << state;
  out << "\n  server saw " << run.server.requests.size() << " requests, " << count_bad_signatures(run.server)
      << " with a bad signature; " << run.server.handshakes.size() << " TLS handshakes";
  if (!run.server.handshakes.empty()) out << " (first " << run.server.handshakes.front().tls << ")";
  out << "\n  idle polls answered 304: " << p.idle_polls.size()
      << "; server-side gaps between them (ms): " << describe(stats_of(poll_gaps(p.idle_polls)));
  out << "\n  client-side durationMs of 304 polls ('wfm exchange' lines): ";
  if (run.exchanges.empty())
    out << "none: the agent logged no 'wfm exchange' debug line";
  else
    out << describe(stats_of(run.idle_poll_ms));
  out << "\n  agent: " << (run.timed_out ? "deadline passed before the goal; " : "")
      << (run.agent_exited_early ? "exited on its own; " : "") << "exit code " << run.exit_code << "\n";
  std::size_t shown = 0;
  for (const auto& request : run.server.requests) {
    if (request.signature == "ok" || ++shown > 5) continue;
    out << "  bad signature: " << request.method << ' ' << request.path << " -> " << request.signature
        << "\n";
  }
  const auto problems = agent_problems(run.agent_log);
  for (std::size_t i = 0; i < problems.size() && i < 6; ++i) out << "  agent " << problems[i] << "\n";
  if (problems.size() > 6) out << "  ... " << problems.size() - 6 << " more agent warnings/errors\n";
  if (run.timed_out || run.agent_exited_early) out << "  agent log tail:\n" << tail(run.agent_log, 8);
  out << "  stand-in stderr:\n" << tail(run.stand_in_stderr, 4);
  return out.str();
}

// Runs the agent until `done` holds for what the stand-in logged (or the deadline passes, or the
// agent exits), then stops both and gathers the logs.
template <typename Done>
Run run_until(StandIn stand_in, const std::string& title, const InteropCase& c, Clock::duration deadline,
              Done done) {
  const auto start = Clock::now();
  Run run;
  run.title = "[" + name_of(stand_in) + "] " + title;
  InteropWorld world(stand_in);
  if (world.keeps_directory()) run.kept_in = world.directory();
  world.start_stand_in(c.stand_in);
  world.start_agent(c.agent);
  for (;;) {
    std::this_thread::sleep_for(50ms);
    if (done(world)) break;
    if (!world.agent_running()) {
      run.agent_exited_early = true;
      break;
    }
    if (Clock::now() - start > deadline) {
      run.timed_out = true;
      break;
    }
  }
  run.exit_code = world.stop_agent();
  world.stop_stand_in();
  run.server = world.server_log();
  run.progress = progress_of(run.server);
  run.agent_log = world.agent_log();
  run.stand_in_stderr = world.stand_in_stderr();
  run.exchanges = read_agent_exchanges(run.agent_log);
  for (const auto& exchange : run.exchanges) {
    const bool manifest = exchange.path.substr(0, exchange.path.find('?')).ends_with("/deployments");
    if (exchange.status == 304 && exchange.method == "GET" && manifest)
      run.idle_poll_ms.push_back(exchange.duration_ms);
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << report(run) << std::flush;
  return run;
}

// Cases 1-9: a first sync, then `idle_polls` polls answered 304.
Run run_sync_then_idle(StandIn stand_in, const std::string& title, const InteropCase& c,
                       std::size_t idle_polls, Clock::duration deadline) {
  return run_until(stand_in, title, c, deadline, [&](InteropWorld& world) {
    const Progress progress = progress_of(world.server_log());
    return progress.synced() && progress.idle_polls.size() >= idle_polls;
  });
}

// A coarse server-side check: the longest gap the stand-in may see between two idle polls is the
// interval stretched by the agent's jitter, plus the no-stall bound. A client stalled on a 304 shows
// here even when it logs nothing.
double allowed_poll_gap_ms(const AgentSettings& agent) {
  return static_cast<double>(agent.interval.count()) * (1 + kPollJitter) + kNoStallMs;
}

void check_sync_run(const Run& run, const InteropCase& c) {
  INFO(run.title << " (the report above has the details)");
  CHECK_FALSE(run.timed_out);
  CHECK_FALSE(run.agent_exited_early);
  CHECK(run.progress.synced());
  CHECK(count_bad_signatures(run.server) == 0);
  CHECK(run.progress.states.size() >= 1);
  CHECK(run.progress.idle_polls.size() >= 5);
  const double max_gap_ms = stats_of(poll_gaps(run.progress.idle_polls)).max;
  CHECK(max_gap_ms <= allowed_poll_gap_ms(c.agent));
  // Client-side latency of every idle poll: a client that waits for a body a 304 never has shows here.
  CHECK_FALSE(run.exchanges.empty());
  CHECK(run.idle_poll_ms.size() >= 5);
  CHECK(stats_of(run.idle_poll_ms).max <= kNoStallMs);
  CHECK(run.exit_code == 0);
  if (c.keep_alive) CHECK(run.server.handshakes.size() <= kMaxKeepAliveHandshakes);
  if (c.tls) {
    for (const auto& handshake : run.server.handshakes) CHECK(handshake.tls == *c.tls);
    CHECK_FALSE(run.server.handshakes.empty());
  }
  // The stand-in did what the case asks of it (otherwise the case proves nothing).
  if (c.closes_every_connection) CHECK(run.server.handshakes.size() >= run.server.requests.size());
  if (c.closes_idle_connections) CHECK(run.server.handshakes.size() >= run.progress.idle_polls.size());
}

void sync_case(StandIn stand_in, const std::string& title, const InteropCase& c) {
  check_sync_run(run_sync_then_idle(stand_in, title, c, 5, 60s), c);
}

InteropCase with_knobs(std::vector<std::string> knobs) {
  InteropCase c;
  c.stand_in.knobs = std::move(knobs);
  return c;
}

void case_304_without_length(StandIn s) {
  sync_case(s, "304 without Content-Length", with_knobs({"--304-length", "none"}));
}

void case_304_with_zero_length(StandIn s) {
  sync_case(s, "304 with Content-Length: 0", with_knobs({"--304-length", "zero"}));
}

void case_chunked(StandIn s) {
  sync_case(s, "chunked 200 bodies", with_knobs({"--body", "chunked"}));
}

void case_gzip(StandIn s) {
  sync_case(s, "gzip Content-Encoding", with_knobs({"--gzip"}));
}

void case_connection_close(StandIn s) {
  InteropCase c = with_knobs({"--connection-close"});
  c.keep_alive = false;
  c.closes_every_connection = true;
  sync_case(s, "Connection: close", c);
}

void case_idle_close(StandIn s) {
  // The stand-in drops a connection idle for 100 ms; the agent polls every 200 ms, so each poll finds
  // its kept-alive connection closed by the server.
  InteropCase c = with_knobs({"--idle-close-ms", "100"});
  c.keep_alive = false;
  c.closes_idle_connections = true;
  sync_case(s, "server closes idle connections between polls", c);
}

void case_tls13_only(StandIn s) {
  InteropCase c = with_knobs({"--tls-min", "1.3", "--tls-max", "1.3"});
  c.tls = "TLSv1.3";
  // The RSA identity with RSA-PSS, so every stand-in's rsa-pss-sha512 check is exercised too.
  c.agent.identity = "device-rsa";
  c.agent.algorithm = "rsa-pss";
  sync_case(s, "TLS 1.3-only server", c);
}

void case_tls12_only(StandIn s) {
  InteropCase c = with_knobs({"--tls-min", "1.2", "--tls-max", "1.2"});
  c.tls = "TLSv1.2";
  c.agent.min_tls_version = "1.2";  // the agent's minimum is 1.3 unless the config opts into 1.2
  // The RSA identity with PKCS#1 v1.5, so every stand-in's rsa-v1_5-sha256 check is exercised too.
  c.agent.identity = "device-rsa";
  c.agent.algorithm = "rsa";
  sync_case(s, "TLS 1.2-only server", c);
}

void case_intermediate_chain(StandIn s) {
  InteropCase c;
  c.stand_in.intermediate_chain = true;
  sync_case(s, "server chain with an intermediate CA", c);
}

void case_slow_body(StandIn s) {
  // The bundle's headers come at once and its body 3 s later; the agent reads with a 1 s timeout.
  InteropCase c = with_knobs({"--slow-body-ms", "3000"});
  c.agent.read_timeout = "1s";
  const auto timeout_logged = [](const std::string& log) {
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);)
      if (line.find("http.timeout") != std::string::npos &&
          line.find("no data within the timeout") != std::string::npos)
        return true;
    return false;
  };
  // Done once the timeout is logged and the agent has polled the manifest twice more after it.
  std::optional<std::size_t> polls_at_timeout;
  const Run run = run_until(s, "slow body: read timeout reported as such", c, 60s, [&](InteropWorld& world) {
    std::size_t polls = 0;
    for (const auto& request : world.server_log().requests) polls += request.is_manifest_poll();
    if (!polls_at_timeout && timeout_logged(world.agent_log())) polls_at_timeout = polls;
    return polls_at_timeout && polls >= *polls_at_timeout + 2;
  });
  INFO(run.title << " (the report above has the details)");
  CHECK_FALSE(run.agent_exited_early);
  CHECK_FALSE(run.timed_out);
  CHECK(timeout_logged(run.agent_log));
  CHECK_FALSE(run.progress.installed_at.has_value());  // the slow bundle never got through
  CHECK(count_bad_signatures(run.server) == 0);
  CHECK(run.exit_code == 0);
}

void case_figures(StandIn s) {
  InteropCase c;  // the stand-in's defaults: keep-alive, no Content-Length on 304
  c.agent.interval = 1s;
  constexpr std::size_t kPolls = 100;
  const Run run = run_sync_then_idle(s, "idle poll figures", c, kPolls, 100s + 60s);
  const Stats client = stats_of(run.idle_poll_ms);
  char figure[200];
  if (client.count > 0)
    std::snprintf(figure, sizeof figure, "max=%.0f median=%.0f", client.max, client.median);
  else
    std::snprintf(figure, sizeof figure, "max=n/a median=n/a");
  std::cout << "interop figure: server=" << name_of(s) << " idle_polls=" << run.progress.idle_polls.size()
            << " latency_ms " << figure << " handshakes=" << run.server.handshakes.size() << std::endl;
  INFO(run.title << " (the report above has the details)");
  CHECK(run.progress.idle_polls.size() >= kPolls);
  CHECK(stats_of(poll_gaps(run.progress.idle_polls)).max <= allowed_poll_gap_ms(c.agent));
  CHECK(client.count >= kPolls);
  CHECK(client.max <= kMaxIdlePollMs);
  CHECK(run.server.handshakes.size() <= kMaxKeepAliveHandshakes);
  CHECK(count_bad_signatures(run.server) == 0);
  CHECK(run.exit_code == 0);
}

}  // namespace

// One TEST_CASE per stand-in, so each (stand-in, case) is its own ctest entry.
#define INTEROP_CASE(title, tags, function)               \
  TEST_CASE("go: " title, "[interop][go]" tags) {         \
    function(StandIn::go);                                \
  }                                                       \
  TEST_CASE("node: " title, "[interop][node]" tags) {     \
    function(StandIn::node);                              \
  }                                                       \
  TEST_CASE("python: " title, "[interop][python]" tags) { \
    function(StandIn::python);                            \
  }

INTEROP_CASE("304 without Content-Length", "", case_304_without_length)
INTEROP_CASE("304 with Content-Length: 0", "", case_304_with_zero_length)
INTEROP_CASE("chunked 200 bodies", "", case_chunked)
INTEROP_CASE("gzip Content-Encoding", "", case_gzip)
INTEROP_CASE("Connection: close", "", case_connection_close)
INTEROP_CASE("server closes idle connections between polls", "", case_idle_close)
INTEROP_CASE("TLS 1.3-only server", "", case_tls13_only)
INTEROP_CASE("TLS 1.2-only server", "", case_tls12_only)
INTEROP_CASE("server chain with an intermediate CA", "", case_intermediate_chain)
INTEROP_CASE("slow body: read timeout reported as such", "", case_slow_body)
INTEROP_CASE("idle poll figures", "[figures]", case_figures)
