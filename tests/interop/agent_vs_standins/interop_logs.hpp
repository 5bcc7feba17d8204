#pragma once
// What the interop driver reads back: the stand-in's JSON request log and the agent's logfmt stderr,
// and the few figures made from them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace margo::interop {

// One request line of a stand-in's --log file.
struct ServerRequest {
  std::int64_t t = 0;  // unix ms when the request head arrived
  std::string method;
  std::string path;
  int status = 0;
  std::string signature;  // "ok" or the reason
  std::int64_t conn = 0;
  std::optional<std::string> tls;
  std::optional<std::string> state;  // status reports: the status.state sent

  bool is_manifest_poll() const;  // GET .../deployments
  bool is_bundle() const;
  bool is_status_report() const;
};

struct Handshake {
  std::int64_t t = 0;
  std::int64_t conn = 0;
  std::string tls;
};

struct ServerLog {
  std::vector<ServerRequest> requests;
  std::vector<Handshake> handshakes;
};

ServerLog read_server_log(const std::string& path);

// key=value pairs of one logfmt line (quoted values unescaped).
std::map<std::string, std::string> parse_logfmt(const std::string& line);

// One `msg="wfm exchange"` debug line of the agent.
struct AgentExchange {
  std::string method;
  std::string path;
  int status = 0;
  double duration_ms = 0;
};

std::vector<AgentExchange> read_agent_exchanges(const std::string& agent_log);
// Lines of level warn, error or fatal.
std::vector<std::string> agent_problems(const std::string& agent_log);

// How far the agent got through its first sync, as the stand-in saw it.
struct Progress {
  bool onboarded = false;     // POST /onboarding answered 201
  bool capabilities = false;  // capabilities answered 201
  bool manifest_200 = false;
  bool bundle_200 = false;
  std::optional<std::int64_t> installed_at;  // t of the status report saying "installed"
  std::vector<std::string> states;           // every status.state reported, in order
  std::vector<std::int64_t> idle_polls;      // t of each manifest poll answered 304 after installed_at

  bool synced() const { return onboarded && capabilities && manifest_200 && bundle_200 && installed_at; }
};

Progress progress_of(const ServerLog& log);

struct Stats {
  std::size_t count = 0;
  double min = 0, median = 0, max = 0;
};
Stats stats_of(std::vector<double> values);
std::string describe(const Stats& stats);  // "n=7 min=1 median=2 max=3"

// Gaps (ms) between consecutive idle polls as the server saw them: the poll interval plus whatever the
// client spent on the previous exchange (a stall shows here even when the agent logs nothing).
std::vector<double> poll_gaps(const std::vector<std::int64_t>& poll_times);

}  // namespace margo::interop
