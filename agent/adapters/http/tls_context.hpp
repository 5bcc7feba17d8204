#pragma once
// The OpenSSL client context every HTTPS connection of a client shares: certificate verification
// always on, against the configured CA file or the system store; a minimum protocol version.

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "agent/ports/result.hpp"

namespace margo {

enum class TlsVersion { tls1_2, tls1_3 };

using TlsContext = std::shared_ptr<SSL_CTX>;

// http.ca_load_failed (permanent) when ca_file cannot be read or holds no certificate: a broken
// trust configuration never falls back to the system store.
Result<TlsContext> make_client_tls_context(const std::string& ca_file, TlsVersion minimum);

// Prepares `tls` to check that the peer's certificate names `host` (a DNS name, or an IP literal
// matched against IP SANs) and, for DNS names, sends it as SNI.
bool expect_peer_name(SSL* tls, const std::string& host);

// Why the handshake on `tls` failed, for a person: the verification verdict when there is one,
// otherwise this thread's queued OpenSSL errors. Empties the error queue.
std::string tls_failure_reason(SSL* tls, const std::string& host);

}  // namespace margo
