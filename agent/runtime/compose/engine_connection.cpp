#include "agent/runtime/compose/engine_connection.hpp"

#include <string_view>

namespace margo {

EngineConnection engine_connection(const std::string& url, bool skip_verification, const std::string& ca_file,
                                   const std::string& cert_file, const std::string& key_file) {
  EngineConnection connection{url, {}};
  if (url.starts_with("unix://")) return connection;
  const bool https = url.starts_with("https://");
  if (https) connection.docker_host = "tcp://" + url.substr(std::string_view("https://").size());
  const bool files = !ca_file.empty() || !cert_file.empty() || !key_file.empty();
  connection.tls.enabled = https || files || skip_verification;
  if (!connection.tls.enabled) return connection;
  connection.tls.verify = !skip_verification;
  connection.tls.ca_file = ca_file;
  connection.tls.cert_file = cert_file;
  connection.tls.key_file = key_file;
  return connection;
}

std::vector<std::string> engine_options(const EngineConnection& connection) {
  const EngineTls& tls = connection.tls;
  if (!tls.enabled) return {};
  std::vector<std::string> options{"-H", connection.docker_host, tls.verify ? "--tlsverify" : "--tls"};
  const auto add = [&options](const char* flag, const std::string& file) {
    if (file.empty()) return;
    options.push_back(flag);
    options.push_back(file);
  };
  add("--tlscacert", tls.ca_file);
  add("--tlscert", tls.cert_file);
  add("--tlskey", tls.key_file);
  return options;
}

}  // namespace margo
