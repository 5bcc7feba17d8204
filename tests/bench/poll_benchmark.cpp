// The steady-state cost of margo-agent: it polls margo-wfm serve over HTTPS (TLS 1.3, ECDSA P-256
// request signatures, the fake WFM verifying each) every 100 ms for 60 s, and this program reads the
// agent's /proc entries before and after. Prints peak RSS and how it splits into the agent's own
// anonymous memory and the mapped files (binary and shared libraries), CPU time per poll, and bytes
// read plus written per 304 poll (TLS records included, as the kernel counts them).
//   bench_poll [SECONDS]

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "agent_fixture.hpp"

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

std::map<std::string, long long> io_fields(int pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/io");
  std::map<std::string, long long> fields;
  std::string key;
  long long value = 0;
  while (file >> key >> value) fields[key.substr(0, key.size() - 1)] = value;
  return fields;
}

// utime + stime in seconds.
double cpu_seconds(int pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string skip;
  for (int i = 0; i < 11; ++i) fields >> skip;
  long long utime = 0, stime = 0;
  fields >> utime >> stime;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::size_t manifest_polls(AgentFixture& fixture) {
  return fixture.count_exchanges("manifest");
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
  const double cpu_before = cpu_seconds(pid);
  const auto io_before = io_fields(pid);
  const std::size_t polls_before = manifest_polls(fixture);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double cpu_after = cpu_seconds(pid);
  const auto io_after = io_fields(pid);
  const std::size_t polls_after = manifest_polls(fixture);
  const auto memory = status_fields(pid);

  agent->signal(SIGTERM);
  const int exit_code = agent->wait(15s);
  const std::size_t polls = polls_after - polls_before;
  const long long bytes =
      (io_after.at("rchar") - io_before.at("rchar")) + (io_after.at("wchar") - io_before.at("wchar"));
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
  std::printf("  CPU per poll             %.0f us (user + system)\n", (cpu_after - cpu_before) * 1e6 / polls);
  std::printf("  bytes per 304 poll       %lld (read + written on the socket, TLS records included)\n",
              polls ? bytes / static_cast<long long>(polls) : 0);
  std::printf("  agent exit code          %d\n", exit_code);
  return exit_code == 0 && polls > 0 ? 0 : 1;
}
