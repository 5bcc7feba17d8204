#pragma once
// A throwaway CA and a server certificate for 127.0.0.1 / localhost, made with the OpenSSL C API and
// written as PEM files into a fresh temporary directory.

#include <string>

namespace margo::testing {

struct TestPki {
  std::string directory;
  std::string ca_certificate_file;
  std::string server_certificate_file;
  std::string server_key_file;
};

// Generated once per test process.
const TestPki& test_pki();

}  // namespace margo::testing
