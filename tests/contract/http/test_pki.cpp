#include "tests/contract/http/test_pki.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace margo::testing {
namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

std::shared_ptr<EVP_PKEY> make_key() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  check(key != nullptr, "EC key generation");
  return {key, EVP_PKEY_free};
}

void add_extension(X509* certificate, X509* issuer, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_nconf_nid(nullptr, &context, nid, value);
  check(extension != nullptr, "certificate extension");
  X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
}

std::shared_ptr<X509> new_certificate(const std::string& common_name, EVP_PKEY* key) {
  static long serial = 1;
  std::shared_ptr<X509> certificate(X509_new(), X509_free);
  X509* raw = certificate.get();
  X509_set_version(raw, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(raw), serial++);
  X509_gmtime_adj(X509_getm_notBefore(raw), -3600);
  X509_gmtime_adj(X509_getm_notAfter(raw), 24 * 3600);
  X509_set_pubkey(raw, key);
  X509_NAME* name = X509_get_subject_name(raw);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0);
  return certificate;
}

}  // namespace

TlsIdentity make_test_ca(const std::string& common_name) {
  TlsIdentity ca{make_key(), nullptr};
  ca.certificate = new_certificate(common_name, ca.key.get());
  X509* raw = ca.certificate.get();
  X509_set_issuer_name(raw, X509_get_subject_name(raw));
  add_extension(raw, raw, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(raw, raw, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(raw, raw, NID_subject_key_identifier, "hash");
  check(X509_sign(raw, ca.key.get(), EVP_sha256()) > 0, "CA signature");
  return ca;
}

TlsIdentity make_test_server(const TlsIdentity& ca, const std::string& subject_alt_names) {
  TlsIdentity server{make_key(), nullptr};
  server.certificate = new_certificate("margo test server", server.key.get());
  X509* raw = server.certificate.get();
  X509_set_issuer_name(raw, X509_get_subject_name(ca.certificate.get()));
  add_extension(raw, ca.certificate.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(raw, ca.certificate.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(raw, ca.certificate.get(), NID_ext_key_usage, "serverAuth");
  add_extension(raw, ca.certificate.get(), NID_subject_alt_name, subject_alt_names.c_str());
  add_extension(raw, ca.certificate.get(), NID_authority_key_identifier, "keyid");
  check(X509_sign(raw, ca.key.get(), EVP_sha256()) > 0, "server signature");
  return server;
}

std::string certificate_pem(const X509& certificate) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, const_cast<X509*>(&certificate));
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return pem;
}

TempFile::TempFile(const std::string& content) {
  std::string pattern = "/tmp/margo-test-XXXXXX";
  const int fd = ::mkstemp(pattern.data());
  check(fd >= 0, "mkstemp");
  ::close(fd);
  path_ = pattern;
  std::ofstream(path_, std::ios::binary) << content;
}

TempFile::~TempFile() {
  ::unlink(path_.c_str());
}

}  // namespace margo::testing
