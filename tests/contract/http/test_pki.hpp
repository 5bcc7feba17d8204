#pragma once
// Throwaway certificates for TLS tests, made with OpenSSL's C API: a CA, and server certificates it
// signs for chosen names. Keys are P-256; nothing is written to disk except what a test asks for.

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace margo::testing {

struct TlsIdentity {
  std::shared_ptr<EVP_PKEY> key;
  std::shared_ptr<X509> certificate;
};

// A self-signed CA certificate (basicConstraints CA:TRUE, keyCertSign).
TlsIdentity make_test_ca(const std::string& common_name);

// A server certificate signed by `ca`; subject_alt_names in OpenSSL's notation,
// e.g. "IP:127.0.0.1,DNS:localhost".
TlsIdentity make_test_server(const TlsIdentity& ca, const std::string& subject_alt_names);

std::string certificate_pem(const X509& certificate);

// A file that is removed when the object goes away.
class TempFile {
 public:
  explicit TempFile(const std::string& content);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace margo::testing
