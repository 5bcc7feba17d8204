// The steady-state cost of margo-agent: it polls margo-wfm serve over HTTPS (TLS 1.3, ECDSA P-256
// request signatures, the fake WFM verifying each) every 100 ms for 60 s, and this program reads the
// agent's /proc entries before and after. Prints peak RSS and how it splits into the agent's own
// anonymous memory and the mapped files (binary and shared libraries), CPU time per poll, and bytes
// read plus written per 304 poll (TLS records included, as the kernel counts them). For scale it then
// measures the floor: a bare cpp-httplib TLS client in this process, one thread, no agent code, doing
// keep-alive GETs against the same server at the same pace, and below that a minimal OpenSSL client
// with no HTTP library: the machine's own floor.
//   bench_poll [SECONDS]

#include <httplib.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "agent_fixture.hpp"
#include "raw_tls_floor.hpp"

using namespace margo::test;
using namespace std::chrono_literals;

namespace {

std::map<std::string, long long> status_fields(int pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/status");
  std::map<std::string, long long> fields;
  std::string line;
  while (std::getline(file, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream value(line.substr(colon + 1));
    long long number = 0;
    if (value >> number) fields[line.substr(0, colon)] = number;
  }
  return fields;
}

// Bytes sent plus received on the established TCP connections to `port`, as the kernel counts them
// (ss -ti: bytes_sent, bytes_received), and how many such connections there are.
struct SocketBytes {
  long long bytes = 0;
  int connections = 0;
};

SocketBytes socket_bytes_to(int port) {
  const std::string command = "ss -tinH state established '( dport = :" + std::to_string(port) + " )'";
  SocketBytes total;
  FILE* output = ::popen(command.c_str(), "r");
  if (output == nullptr) return total;
  char line[4096];
  while (std::fgets(line, sizeof line, output) != nullptr) {
    const std::string text(line);
    if (text[0] != ' ' && text[0] != '\t') ++total.connections;  // a socket's line; its details follow indented
    for (const char* key : {"bytes_sent:", "bytes_received:"}) {
      const auto at = text.find(key);
      if (at != std::string::npos) total.bytes += std::atoll(text.c_str() + at + std::strlen(key));
    }
  }
  ::pclose(output);
  return total;
}

struct CpuTime {
  double user = 0;
  double system = 0;
};

// utime and stime in seconds.
CpuTime cpu_time(int pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;
  long long utime = 0, stime = 0;
  fields >> utime >> stime;
  const auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return {static_cast<double>(utime) / ticks, static_cast<double>(stime) / ticks};
}

std::size_t manifest_polls(AgentFixture& fixture) {
  return fixture.count_exchanges("manifest");
}

CpuTime own_cpu_time() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return {static_cast<double>(usage.ru_utime.tv_sec) + static_cast<double>(usage.ru_utime.tv_usec) / 1e6,
          static_cast<double>(usage.ru_stime.tv_sec) + static_cast<double>(usage.ru_stime.tv_usec) / 1e6};
}

// CPU per request of a bare httplib TLS client (keep-alive, certificate verified) polling every 100 ms.
CpuTime bare_client_floor(AgentFixture& fixture, int requests) {
  httplib::SSLClient client("127.0.0.1", fixture.wfm_port());
  client.set_ca_cert_path(fixture.keys("ca.crt").c_str());
  client.enable_server_certificate_verification(true);
  client.set_keep_alive(true);
  (void)client.Get("/api/v1/onboarding/certificate");
  const CpuTime before = own_cpu_time();
  for (int i = 0; i < requests; ++i) {
    (void)client.Get("/api/v1/onboarding/certificate");
    std::this_thread::sleep_for(100ms);
  }
  const CpuTime after = own_cpu_time();
  return {(after.user - before.user) * 1e6 / requests, (after.system - before.system) * 1e6 / requests};
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::stoi(argv[1]) : 60;
  AgentFixture fixture;
  fixture.start_wfm();
  auto config = fixture.write_config("bench.yaml", {{"INTERVAL", "0.1"}});
  // Quiet logs: what is measured is the polling, not the log writes.
  {
    std::ifstream in(config);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("level: DEBUG"), 12, "level: WARN");
    std::ofstream(config) << text;
  }
  auto agent = fixture.start_agent(config);
  const int pid = agent->pid();

  // Warm up: onboarding, capabilities, the first 200, TLS session established.
  std::this_thread::sleep_for(5s);
  const CpuTime cpu_before = cpu_time(pid);
  const SocketBytes io_before = socket_bytes_to(fixture.wfm_port());
  const std::size_t polls_before = manifest_polls(fixture);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const CpuTime cpu_after = cpu_time(pid);
  const SocketBytes io_after = socket_bytes_to(fixture.wfm_port());
  const std::size_t polls_after = manifest_polls(fixture);
  const auto memory = status_fields(pid);

  agent->signal(SIGTERM);
  const int exit_code = agent->wait(15s);
  const std::size_t polls = polls_after - polls_before;
  const long long bytes = io_after.bytes - io_before.bytes;
  std::size_t not_modified = 0;
  for (const auto& exchange : fixture.admin_get("/_fake/exchanges"))
    not_modified += exchange.value("status", 0) == 304 ? 1 : 0;

  std::printf("margo-agent polling margo-wfm over HTTPS every 100 ms for %d s (ECDSA P-256 signatures)\n",
              seconds);
  std::printf("  polls measured           %zu (%zu answered 304 over the whole run)\n", polls, not_modified);
  std::printf("  peak RSS (VmHWM)         %.1f MB\n", memory.at("VmHWM") / 1024.0);
  std::printf(
      "  RSS at the end           %.1f MB = %.2f MB anonymous (heap, stacks: the agent's own) + %.1f MB "
      "file-backed (binary, shared libraries)\n",
      memory.at("VmRSS") / 1024.0, memory.at("RssAnon") / 1024.0, memory.at("RssFile") / 1024.0);
  const double user = (cpu_after.user - cpu_before.user) * 1e6 / static_cast<double>(polls);
  const double system = (cpu_after.system - cpu_before.system) * 1e6 / static_cast<double>(polls);
  std::printf("  CPU per poll             %.0f us = %.0f us user + %.0f us system\n", user + system, user,
              system);
  std::printf("  bytes per 304 poll       %lld (sent + received on the socket, TLS records included)\n",
              polls ? bytes / static_cast<long long>(polls) : 0);
  std::printf("  connections to the WFM   %d at the start, %d at the end\n", io_before.connections,
              io_after.connections);
  std::printf("  agent exit code          %d\n", exit_code);
  const CpuTime floor = bare_client_floor(fixture, 300);
  std::printf(
      "floor: a bare cpp-httplib TLS client, one thread, keep-alive GET every 100 ms to the same server\n");
  std::printf("  CPU per request          %.0f us = %.0f us user + %.0f us system\n",
              floor.user + floor.system, floor.user, floor.system);
  const margo::bench::RawFloor raw = margo::bench::raw_tls_floor(fixture.wfm_port(), fixture.keys("ca.crt"),
                                                                 "/api/v1/onboarding/certificate", 300);
  std::printf("floor: a minimal blocking OpenSSL client, no HTTP library, same pace and server\n");
  if (raw.error.empty()) {
    std::printf("  CPU per request          %.0f us = %.0f us user + %.0f us system\n",
                raw.cpu.user_us + raw.cpu.system_us, raw.cpu.user_us, raw.cpu.system_us);
  } else {
    std::printf("  not measured: %s failed\n", raw.error.c_str());
  }
  return exit_code == 0 && polls > 0 && raw.error.empty() ? 0 : 1;
}
