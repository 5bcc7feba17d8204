#pragma once
// The device certificate presented at onboarding: parsed from PEM, compared with the signing key.

#include <memory>
#include <string>
#include <string_view>

#include "agent/ports/executor.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/ports/result.hpp"
#include "agent/wfm/signing_key.hpp"

namespace margo {

class Certificate {
 public:
  // The first certificate in the PEM text. certificate.invalid (permanent) naming `source_name`.
  static Result<Certificate> from_pem(std::string_view pem, std::string_view source_name);

  const std::string& der() const { return der_; }
  // DER SubjectPublicKeyInfo.
  const std::string& public_key_der() const { return public_key_der_; }
  // True when the certificate carries the key's public half.
  bool matches(const SigningKey& key) const;
  // The subject's commonName ("" when it has none).
  const std::string& subject_common_name() const { return common_name_; }
  WallTime not_before() const { return not_before_; }
  WallTime not_after() const { return not_after_; }

 private:
  Certificate() = default;

  std::shared_ptr<EVP_PKEY> public_key_;
  std::string der_;
  std::string public_key_der_;
  std::string common_name_;
  WallTime not_before_{};
  WallTime not_after_{};
};

// Reads the certificate through the FileSystem port; a missing file is certificate.not_found.
Result<Certificate> load_certificate(FileSystem& fs, const std::string& path);

}  // namespace margo
