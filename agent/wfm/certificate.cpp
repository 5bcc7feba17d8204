#include "agent/wfm/certificate.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <ctime>

#include "agent/openssl/openssl_handles.hpp"

namespace margo {
namespace {

constexpr std::size_t kMaxCertificateFileBytes = 1024 * 1024;

Error certificate_error(std::string_view source_name, std::string_view problem) {
  return permanent_error("certificate.invalid",
                         "certificate " + std::string(source_name) + ": " + std::string(problem));
}

// ASN.1 UTCTime/GeneralizedTime -> WallTime, computed from the calendar fields (no OS time zone).
Result<WallTime> to_wall_time(const ASN1_TIME* time, std::string_view source_name, std::string_view which) {
  std::tm fields{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &fields) != 1) {
    return certificate_error(source_name, "unreadable " + std::string(which) + " time");
  }
  const std::chrono::year_month_day date{std::chrono::year(fields.tm_year + 1900),
                                         std::chrono::month(static_cast<unsigned>(fields.tm_mon + 1)),
                                         std::chrono::day(static_cast<unsigned>(fields.tm_mday))};
  const auto seconds = std::chrono::sys_days(date).time_since_epoch() + std::chrono::hours(fields.tm_hour) +
                       std::chrono::minutes(fields.tm_min) + std::chrono::seconds(fields.tm_sec);
  return WallTime(std::chrono::duration_cast<std::chrono::milliseconds>(seconds));
}

std::string common_name(X509* certificate) {
  const X509_NAME* subject = X509_get_subject_name(certificate);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return "";
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) return "";
  std::string name(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
  OPENSSL_free(utf8);
  return name;
}

bool is_rsa_family(EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS");
}

BignumHandle bignum_param(EVP_PKEY* key, const char* name) {
  BIGNUM* value = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &value) != 1) return nullptr;
  return BignumHandle(value);
}

// An RSA-PSS key and an rsaEncryption certificate encode the same modulus under different OIDs;
// OpenSSL treats them as different key types, so compare n and e directly.
bool same_rsa_public_key(EVP_PKEY* a, EVP_PKEY* b) {
  if (!is_rsa_family(a) || !is_rsa_family(b)) return false;
  const BignumHandle a_n = bignum_param(a, OSSL_PKEY_PARAM_RSA_N);
  const BignumHandle b_n = bignum_param(b, OSSL_PKEY_PARAM_RSA_N);
  const BignumHandle a_e = bignum_param(a, OSSL_PKEY_PARAM_RSA_E);
  const BignumHandle b_e = bignum_param(b, OSSL_PKEY_PARAM_RSA_E);
  return a_n && b_n && a_e && b_e && BN_cmp(a_n.get(), b_n.get()) == 0 && BN_cmp(a_e.get(), b_e.get()) == 0;
}

template <typename T, int (*Encode)(const T*, unsigned char**)>
std::string to_der(const T* object) {
  unsigned char* der = nullptr;
  const int length = Encode(object, &der);
  if (length <= 0) return "";
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<Certificate> Certificate::from_pem(std::string_view pem, std::string_view source_name) {
  if (pem.size() > kMaxCertificateFileBytes) return certificate_error(source_name, "larger than 1 MiB");
  BioHandle bio = memory_bio(pem);
  X509Handle certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!certificate) {
    const std::string errors = take_openssl_errors();
    return certificate_error(source_name,
                             "no readable PEM certificate" + (errors.empty() ? "" : " (" + errors + ")"));
  }
  PkeyHandle public_key(X509_get_pubkey(certificate.get()));
  if (!public_key) return certificate_error(source_name, "unreadable public key: " + take_openssl_errors());

  Certificate out;
  out.der_ = to_der<X509, i2d_X509>(certificate.get());
  out.public_key_der_ = to_der<EVP_PKEY, i2d_PUBKEY>(public_key.get());
  if (out.der_.empty() || out.public_key_der_.empty()) {
    return certificate_error(source_name, "cannot re-encode: " + take_openssl_errors());
  }
  auto not_before = to_wall_time(X509_get0_notBefore(certificate.get()), source_name, "notBefore");
  if (!not_before) return not_before.error();
  auto not_after = to_wall_time(X509_get0_notAfter(certificate.get()), source_name, "notAfter");
  if (!not_after) return not_after.error();
  out.not_before_ = *not_before;
  out.not_after_ = *not_after;
  out.common_name_ = common_name(certificate.get());
  out.public_key_ = std::shared_ptr<EVP_PKEY>(public_key.release(), EVP_PKEY_free);
  return out;
}

bool Certificate::matches(const SigningKey& key) const {
  return public_key_der_ == key.public_key_der() || same_rsa_public_key(public_key_.get(), key.native());
}

Result<Certificate> load_certificate(FileSystem& fs, const std::string& path) {
  auto pem = fs.read_file(path, kMaxCertificateFileBytes);
  if (!pem) {
    if (pem.error().code == "fs.not_found") {
      return permanent_error("certificate.not_found", "certificate file " + path + " does not exist");
    }
    return pem.error().with_context("reading certificate " + path);
  }
  return Certificate::from_pem(*pem, path);
}

}  // namespace margo
