#include "test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace margo::testing {
namespace {

X509* make_certificate(EVP_PKEY* key, const char* common_name, X509* issuer, EVP_PKEY* issuer_key,
                       long serial, const char* extensions[][2]) {
  X509* certificate = X509_new();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial);
  X509_gmtime_adj(X509_getm_notBefore(certificate), -60);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 3600L * 24);
  X509_NAME* name = X509_get_subject_name(certificate);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name),
                             -1, -1, 0);
  X509_set_issuer_name(certificate, issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(certificate, key);
  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer != nullptr ? issuer : certificate, certificate, nullptr, nullptr, 0);
  for (int i = 0; extensions[i][0] != nullptr; ++i) {
    X509_EXTENSION* extension = X509V3_EXT_conf(nullptr, &context, extensions[i][0], extensions[i][1]);
    X509_add_ext(certificate, extension, -1);
    X509_EXTENSION_free(extension);
  }
  X509_sign(certificate, issuer_key, EVP_sha256());
  return certificate;
}

void write_pem(const std::string& path, X509* certificate, EVP_PKEY* key) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) throw std::runtime_error("cannot write " + path);
  if (certificate != nullptr) PEM_write_X509(file, certificate);
  if (key != nullptr) PEM_write_PrivateKey(file, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(file);
}

TestPki generate() {
  TestPki pki;
  char pattern[] = "/tmp/margo-http-server-test-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  pki.directory = pattern;
  pki.ca_certificate_file = pki.directory + "/ca.pem";
  pki.server_certificate_file = pki.directory + "/server.pem";
  pki.server_key_file = pki.directory + "/server.key";

  EVP_PKEY* ca_key = EVP_EC_gen("P-256");
  EVP_PKEY* server_key = EVP_EC_gen("P-256");
  const char* ca_extensions[][2] = {{"basicConstraints", "critical,CA:TRUE"},
                                    {"keyUsage", "critical,keyCertSign,cRLSign"},
                                    {nullptr, nullptr}};
  const char* server_extensions[][2] = {{"basicConstraints", "critical,CA:FALSE"},
                                        {"keyUsage", "critical,digitalSignature"},
                                        {"extendedKeyUsage", "serverAuth"},
                                        {"subjectAltName", "IP:127.0.0.1,DNS:localhost"},
                                        {nullptr, nullptr}};
  X509* ca = make_certificate(ca_key, "margo test CA", nullptr, ca_key, 1, ca_extensions);
  X509* server = make_certificate(server_key, "127.0.0.1", ca, ca_key, 2, server_extensions);
  write_pem(pki.ca_certificate_file, ca, nullptr);
  write_pem(pki.server_certificate_file, server, nullptr);
  write_pem(pki.server_key_file, nullptr, server_key);
  X509_free(server);
  X509_free(ca);
  EVP_PKEY_free(server_key);
  EVP_PKEY_free(ca_key);
  return pki;
}

// Removes the files when the test process exits.
struct PkiHolder {
  TestPki pki = generate();
  ~PkiHolder() {
    for (const auto& file : {pki.ca_certificate_file, pki.server_certificate_file, pki.server_key_file})
      std::remove(file.c_str());
    std::remove(pki.directory.c_str());
  }
};

}  // namespace

const TestPki& test_pki() {
  static const PkiHolder holder;
  return holder.pki;
}

}  // namespace margo::testing
