#include "agent/adapters/http/tls_context.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "agent/openssl/openssl_handles.hpp"

namespace margo {
namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char address[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), address) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), address) == 1;
}

}  // namespace

Result<TlsContext> make_client_tls_context(const std::string& ca_file, TlsVersion minimum) {
  ERR_clear_error();
  TlsContext context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  if (!context)
    return permanent_error("http.tls_setup_failed", "cannot create a TLS context: " + take_openssl_errors());
  SSL_CTX_set_min_proto_version(context.get(),
                                minimum == TlsVersion::tls1_3 ? TLS1_3_VERSION : TLS1_2_VERSION);
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);
  // Partial writes keep a large request body flowing on a non-blocking socket; released buffers keep
  // idle kept-alive connections small.
  SSL_CTX_set_mode(context.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                      SSL_MODE_RELEASE_BUFFERS);
  if (ca_file.empty()) {
    SSL_CTX_set_default_verify_paths(context.get());
    return context;
  }
  const bool loaded = SSL_CTX_load_verify_file(context.get(), ca_file.c_str()) == 1 &&
                      sk_X509_OBJECT_num(X509_STORE_get0_objects(SSL_CTX_get_cert_store(context.get()))) > 0;
  if (!loaded)
    return permanent_error("http.ca_load_failed",
                           "cannot load CA certificates from '" + ca_file + "': " + take_openssl_errors());
  return context;
}

bool expect_peer_name(SSL* tls, const std::string& host) {
  if (is_ip_literal(host)) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls), host.c_str()) == 1;
  return SSL_set_tlsext_host_name(tls, host.c_str()) == 1 && SSL_set1_host(tls, host.c_str()) == 1;
}

std::string tls_failure_reason(SSL* tls, const std::string& host) {
  const long verdict = SSL_get_verify_result(tls);
  if (verdict == X509_V_ERR_HOSTNAME_MISMATCH || verdict == X509_V_ERR_IP_ADDRESS_MISMATCH) {
    ERR_clear_error();
    return "server certificate rejected: it does not match host '" + host + "'";
  }
  if (verdict != X509_V_OK) {
    ERR_clear_error();
    return std::string("server certificate rejected: ") + X509_verify_cert_error_string(verdict);
  }
  const std::string reasons = take_openssl_errors();
  return "TLS handshake failed: " + (reasons.empty() ? std::string("no detail from OpenSSL") : reasons);
}

}  // namespace margo
