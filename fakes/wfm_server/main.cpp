// margo-wfm: serves the fake WFM over real HTTP(S) until SIGTERM or SIGINT.

#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "agent/adapters/event_loop.hpp"
#include "agent/adapters/http_server.hpp"
#include "agent/adapters/termination_signals.hpp"
#include "fakes/wfm/admin_api.hpp"
#include "fakes/wfm/fake_wfm.hpp"
#include "fakes/wfm/responses.hpp"
#include "fakes/wfm_server/command_line.hpp"
#include "fakes/wfm_server/deployments_dir.hpp"

namespace {

using namespace margo;

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

Result<std::string> read_text_file(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return permanent_error("file.read", "cannot open '" + path + "'");
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

Status write_report(const std::string& path, const fake::FakeWfm& wfm) {
  std::ofstream stream(path, std::ios::binary | std::ios::trunc);
  stream << fake::dump_json(wfm.exchanges_json(), 2) << "\n";
  stream.close();
  if (!stream) return permanent_error("file.write", "cannot write report '" + path + "'");
  return {};
}

int fail(const Error& error, int exit_code) {
  std::cerr << "margo-wfm: " << error.message << "\n";
  return exit_code;
}

int serve(const wfm_server::ServeOptions& options, TerminationSignals& signals) {
  EventLoop clock;  // only its clocks are used
  fake::FakeWfmOptions wfm_options;
  wfm_options.base_path = options.base_path;
  fake::FakeWfm wfm(clock, wfm_options);

  if (!options.root_ca_file.empty()) {
    auto pem = read_text_file(options.root_ca_file);
    if (!pem) return fail(pem.error(), 2);
    wfm.set_root_ca_pem(std::move(*pem));
  }
  if (!options.deployments_dir.empty()) {
    auto deployments = wfm_server::load_deployments_dir(options.deployments_dir);
    if (!deployments) return fail(deployments.error(), 2);
    if (auto status = wfm.set_deployments(std::move(*deployments)); !status) return fail(status.error(), 2);
  }

  const bool admin_enabled = is_loopback(options.host);
  HttpServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.tls_certificate_file = options.tls_certificate_file;
  server_options.tls_private_key_file = options.tls_private_key_file;
  // Like a WFM behind a common server: idle connections live long enough for a client polling every
  // few seconds to keep one (Go's net/http keeps them forever, nginx 75 s).
  server_options.keep_alive_timeout = std::chrono::minutes(2);
  auto server = HttpServer::start(server_options, [&wfm, admin_enabled](const HttpRequest& request) {
    if (admin_enabled && fake::is_admin_request(request)) return fake::handle_admin_request(wfm, request);
    return wfm.handle(request);
  });
  if (!server) return fail(server.error(), 1);

  if ((*server)->scheme() == "http")
    std::cerr << "margo-wfm: serving plain HTTP (no --tls-cert/--tls-key); devices expect HTTPS\n";
  if (!admin_enabled) std::cerr << "margo-wfm: /_fake/ admin endpoints disabled (not a loopback address)\n";
  std::cout << "margo-wfm: listening on " << (*server)->origin() << std::endl;

  std::mutex mutex;
  std::condition_variable stopped;
  int received = 0;
  const Status watching = signals.start([&](int signal) {
    std::lock_guard lock(mutex);
    received = signal;
    stopped.notify_one();
  });
  if (!watching) return fail(watching.error(), 1);
  {
    std::unique_lock lock(mutex);
    stopped.wait(lock, [&] { return received != 0; });
  }
  std::cerr << "margo-wfm: signal " << received << ", stopping\n";
  (*server)->stop();
  if (!options.report_file.empty()) {
    if (auto status = write_report(options.report_file, wfm); !status) return fail(status.error(), 1);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts, so every thread inherits the blocked signals.
  TerminationSignals signals;
  auto command = wfm_server::parse_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (!command) {
    std::cerr << "margo-wfm: " << command.error().message << "\n";
    return 2;
  }
  if (command->help) {
    std::cout << wfm_server::usage_text();
    return 0;
  }
  return serve(command->serve, signals);
}
