#pragma once
// How the docker and compose CLIs reach the engine: DOCKER_HOST, and for a TLS engine the options both
// CLIs accept before their subcommand (`docker -H tcp://... --tlsverify ... compose up`).

#include <string>
#include <vector>

namespace margo {

struct EngineTls {
  bool enabled = false;
  bool verify = true;  // false: encrypted, but the engine's certificate is not checked
  std::string ca_file;
  std::string cert_file;  // with key_file: the agent's client certificate
  std::string key_file;
};

struct EngineConnection {
  std::string docker_host;  // what DOCKER_HOST gets: unix:///path or tcp://host:port
  EngineTls tls;
};

// From runtimes[].docker: url (unix://, tcp:// or https://), tlsSkipVerification and tls.*.
// https://host:port is tcp://host:port with TLS on; tcp:// uses TLS when any tls file is given or
// verification is switched off. A unix:// socket never uses TLS.
EngineConnection engine_connection(const std::string& url, bool skip_verification, const std::string& ca_file,
                                   const std::string& cert_file, const std::string& key_file);

// Without TLS nothing (DOCKER_HOST says it all). With TLS: -H HOST, --tlsverify (or --tls), then
// --tlscacert/--tlscert/--tlskey for the files given. -H is repeated because docker-compose 1.29 talks
// plain HTTP to a DOCKER_HOST from the environment whatever its TLS flags say. Both CLIs load the CA
// file even with --tls, so the config requires one for any TLS engine.
std::vector<std::string> engine_options(const EngineConnection& connection);

}  // namespace margo
