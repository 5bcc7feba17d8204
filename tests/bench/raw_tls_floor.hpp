#pragma once
// The machine's floor for one poll: a minimal blocking OpenSSL client, no HTTP library, one thread,
// keep-alive GETs over loopback. Below this figure no agent can go on this machine.

#include <string>

namespace margo::bench {

struct CpuPerRequest {
  double user_us = 0;
  double system_us = 0;
};

// Empty error: measured. Otherwise what failed (connect, handshake, a read).
struct RawFloor {
  CpuPerRequest cpu;
  std::string error;
};

RawFloor raw_tls_floor(int port, const std::string& ca_file, const std::string& path, int requests);

}  // namespace margo::bench
