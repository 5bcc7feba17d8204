// Reading the stand-in's JSON request log and the agent's logfmt stderr (see interop_logs.hpp).

#include "interop_logs.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace margo::interop {
namespace {

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The path without its query: /api/v1/clients/<id>/<rest...> split into the parts after the client id.
std::vector<std::string> client_path_rest(const std::string& path) {
  const std::string prefix = "/api/v1/clients/";
  std::vector<std::string> parts;
  if (path.rfind(prefix, 0) != 0) return parts;
  std::string rest = path.substr(prefix.size(), path.find('?') - prefix.size());
  std::stringstream stream(rest);
  for (std::string part; std::getline(stream, part, '/');) parts.push_back(part);
  if (!parts.empty()) parts.erase(parts.begin());  // the clientId
  return parts;
}

}  // namespace

bool ServerRequest::is_manifest_poll() const {
  const auto rest = client_path_rest(path);
  return method == "GET" && rest.size() == 1 && rest[0] == "deployments";
}

bool ServerRequest::is_bundle() const {
  const auto rest = client_path_rest(path);
  return method == "GET" && rest.size() == 2 && rest[0] == "bundles";
}

bool ServerRequest::is_status_report() const {
  const auto rest = client_path_rest(path);
  return method == "POST" && rest.size() == 3 && rest[0] == "deployments" && rest[2] == "status";
}

ServerLog read_server_log(const std::string& path) {
  ServerLog log;
  std::ifstream file(path);
  for (std::string line; std::getline(file, line);) {
    const auto json = nlohmann::json::parse(line, nullptr, false);
    if (!json.is_object()) continue;  // a line still being written
    if (json.value("event", "") == "handshake") {
      log.handshakes.push_back(
          {json.value("t", std::int64_t{0}), json.value("conn", std::int64_t{0}), json.value("tls", "")});
      continue;
    }
    ServerRequest request;
    request.t = json.value("t", std::int64_t{0});
    request.method = json.value("method", "");
    request.path = json.value("path", "");
    request.status = json.value("status", 0);
    request.signature = json.value("signature", "");
    if (json.contains("conn") && json["conn"].is_number()) request.conn = json["conn"].get<std::int64_t>();
    if (json.contains("tls") && json["tls"].is_string()) request.tls = json["tls"].get<std::string>();
    if (json.contains("state") && json["state"].is_string()) request.state = json["state"].get<std::string>();
    log.requests.push_back(std::move(request));
  }
  // Lines are written when a response is done; the driver reasons in arrival order.
  std::stable_sort(log.requests.begin(), log.requests.end(),
                   [](const ServerRequest& a, const ServerRequest& b) { return a.t < b.t; });
  return log;
}

std::map<std::string, std::string> parse_logfmt(const std::string& line) {
  std::map<std::string, std::string> fields;
  std::size_t at = 0;
  while (at < line.size()) {
    while (at < line.size() && line[at] == ' ') ++at;
    const std::size_t key_start = at;
    while (at < line.size() && line[at] != '=' && line[at] != ' ') ++at;
    const std::string key = line.substr(key_start, at - key_start);
    std::string value;
    if (at < line.size() && line[at] == '=') {
      ++at;
      if (at < line.size() && line[at] == '"') {
        for (++at; at < line.size() && line[at] != '"'; ++at) {
          if (line[at] == '\\' && at + 1 < line.size()) {
            const char escaped = line[++at];
            value += escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped == 'r' ? '\r' : escaped;
          } else {
            value += line[at];
          }
        }
        ++at;  // closing quote
      } else {
        const std::size_t value_start = at;
        while (at < line.size() && line[at] != ' ') ++at;
        value = line.substr(value_start, at - value_start);
      }
    }
    if (!key.empty()) fields[key] = value;
  }
  return fields;
}

std::vector<AgentExchange> read_agent_exchanges(const std::string& agent_log) {
  std::vector<AgentExchange> exchanges;
  std::stringstream stream(agent_log);
  for (std::string line; std::getline(stream, line);) {
    if (line.find("wfm exchange") == std::string::npos) continue;
    auto fields = parse_logfmt(line);
    if (fields["msg"] != "wfm exchange") continue;
    AgentExchange exchange;
    exchange.method = fields["method"];
    exchange.path = fields["path"];
    exchange.status = std::atoi(fields["status"].c_str());
    exchange.duration_ms = std::atof(fields["durationMs"].c_str());
    exchanges.push_back(std::move(exchange));
  }
  return exchanges;
}

std::vector<std::string> agent_problems(const std::string& agent_log) {
  std::vector<std::string> problems;
  std::stringstream stream(agent_log);
  for (std::string line; std::getline(stream, line);) {
    const std::string level = parse_logfmt(line)["level"];
    if (level == "warn" || level == "error" || level == "fatal") problems.push_back(line);
  }
  return problems;
}

Progress progress_of(const ServerLog& log) {
  Progress progress;
  for (const ServerRequest& request : log.requests) {
    if (request.path == "/api/v1/onboarding" && request.status == 201) progress.onboarded = true;
    if (ends_with(request.path, "/capabilities") && request.status == 201) progress.capabilities = true;
    if (request.is_manifest_poll() && request.status == 200) progress.manifest_200 = true;
    if (request.is_bundle() && request.status == 200) progress.bundle_200 = true;
    if (request.is_status_report() && request.state) {
      progress.states.push_back(*request.state);
      if (*request.state == "installed" && !progress.installed_at) progress.installed_at = request.t;
    }
    if (progress.installed_at && request.is_manifest_poll() && request.status == 304 &&
        request.t >= *progress.installed_at)
      progress.idle_polls.push_back(request.t);
  }
  return progress;
}

Stats stats_of(std::vector<double> values) {
  Stats stats;
  stats.count = values.size();
  if (values.empty()) return stats;
  std::sort(values.begin(), values.end());
  stats.min = values.front();
  stats.max = values.back();
  const std::size_t middle = values.size() / 2;
  stats.median = values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  return stats;
}

std::string describe(const Stats& stats) {
  if (stats.count == 0) return "n=0";
  char text[128];
  std::snprintf(text, sizeof text, "n=%zu min=%.0f median=%.0f max=%.0f", stats.count, stats.min,
                stats.median, stats.max);
  return text;
}

std::vector<double> poll_gaps(const std::vector<std::int64_t>& poll_times) {
  std::vector<double> gaps;
  for (std::size_t i = 1; i < poll_times.size(); ++i)
    gaps.push_back(static_cast<double>(poll_times[i] - poll_times[i - 1]));
  return gaps;
}

}  // namespace margo::interop
