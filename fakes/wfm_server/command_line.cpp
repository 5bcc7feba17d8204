#include "fakes/wfm_server/command_line.hpp"

#include <map>

namespace margo::wfm_server {
namespace {

Error usage(const std::string& what) {
  return permanent_error("cli.usage", what + " (see margo-wfm --help)");
}

// "HOST:PORT" or "[IPv6]:PORT".
Status parse_listen(const std::string& text, ServeOptions& options) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
    return usage("--listen wants HOST:PORT, got '" + text + "'");
  std::string host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
    return usage("--listen port must be 0-65535, got '" + port + "'");
  options.host = host;
  options.port = std::stoi(port);
  return {};
}

}  // namespace

std::string usage_text() {
  return R"(margo-wfm: a fake Margo Workload Fleet Manager (device API, profile A) over real HTTP(S).

Usage:
  margo-wfm serve --listen HOST:PORT [options]
  margo-wfm --help

serve options:
  --listen HOST:PORT       address to listen on; PORT 0 picks a free port
  --tls-cert FILE          server certificate chain (PEM); with --tls-key serves HTTPS (TLS 1.2+)
  --tls-key FILE           server private key (PEM); without both, plain HTTP
  --base-path PATH         prefix before /api/v1 (e.g. /wfm)
  --root-ca FILE           PEM served by GET /api/v1/onboarding/certificate
  --report FILE            on SIGTERM/SIGINT, write the exchange log (JSON) here
  --deployments-dir DIR    initial desired state: every *.yaml / *.yml file is one deployment, its
                           deploymentId the YAML's id (or metadata.annotations.id, else the file name)

When ready it prints one line to stdout: "margo-wfm: listening on https://HOST:PORT" (or http://).
It verifies Content-Digest (RFC 9530) and RFC 9421 signatures on every device request, and records
every exchange. On a loopback address it also serves test-control endpoints:
  GET  /_fake/exchanges, GET /_fake/stats, GET /_fake/status-reports,
  POST /_fake/fail-next {"route","count","status","retryAfter"}, POST /_fake/down {"down"},
  POST /_fake/onboarding-policy {"policy"}, POST /_fake/deployments [{"deploymentId","yaml"}],
  POST /_fake/manifest-version {"version"}
SIGTERM or SIGINT stops it, writes the report and exits 0.
)";
}

Result<CommandLine> parse_command_line(const std::vector<std::string>& arguments) {
  CommandLine command;
  if (arguments.empty()) return usage("no command given");
  if (arguments[0] == "--help" || arguments[0] == "-h" || arguments[0] == "help") {
    command.help = true;
    return command;
  }
  if (arguments[0] != "serve") return usage("unknown command '" + arguments[0] + "'");

  ServeOptions& serve = command.serve;
  const std::map<std::string, std::string*> values = {
      {"--tls-cert", &serve.tls_certificate_file},
      {"--tls-key", &serve.tls_private_key_file},
      {"--base-path", &serve.base_path},
      {"--root-ca", &serve.root_ca_file},
      {"--report", &serve.report_file},
      {"--deployments-dir", &serve.deployments_dir},
  };
  bool listen_given = false;
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string& option = arguments[i];
    if (option == "--help" || option == "-h") {
      command.help = true;
      return command;
    }
    if (i + 1 >= arguments.size()) return usage("option '" + option + "' needs a value");
    const std::string& value = arguments[++i];
    if (option == "--listen") {
      if (auto status = parse_listen(value, serve); !status) return status.error();
      listen_given = true;
    } else if (const auto found = values.find(option); found != values.end()) {
      *found->second = value;
    } else {
      return usage("unknown option '" + option + "'");
    }
  }
  if (!listen_given) return usage("serve needs --listen HOST:PORT");
  if (serve.tls_certificate_file.empty() != serve.tls_private_key_file.empty())
    return usage("--tls-cert and --tls-key go together");
  if (!serve.base_path.empty() && (serve.base_path.front() != '/' || serve.base_path.back() == '/'))
    return usage("--base-path must start with '/' and not end with one, got '" + serve.base_path + "'");
  return command;
}

}  // namespace margo::wfm_server
