#include "agent/wfm/signature_algorithm.hpp"

#include <openssl/rsa.h>

#include "agent/openssl/openssl_handles.hpp"

namespace margo {
namespace {

bool key_fits(SignatureAlgorithm algorithm, KeyType key) {
  switch (algorithm) {
    case SignatureAlgorithm::ecdsa_p256_sha256:
      return key == KeyType::ec_p256;
    case SignatureAlgorithm::ecdsa_p384_sha384:
      return key == KeyType::ec_p384;
    case SignatureAlgorithm::rsa_v1_5_sha256:
      return key == KeyType::rsa;
    case SignatureAlgorithm::rsa_pss_sha512:
      return key == KeyType::rsa || key == KeyType::rsa_pss;
  }
  return false;
}

Error mismatch(std::string_view configured, SignatureAlgorithm algorithm, const SigningKey& key) {
  return permanent_error("signing.algorithm_mismatch", "signature algorithm '" + std::string(configured) +
                                                           "' (" + std::string(to_string(algorithm)) +
                                                           ") cannot be used with an " +
                                                           std::string(to_string(key.type())) + " key");
}

const EVP_MD* digest_of(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::ecdsa_p256_sha256:
    case SignatureAlgorithm::rsa_v1_5_sha256:
      return EVP_sha256();
    case SignatureAlgorithm::ecdsa_p384_sha384:
      return EVP_sha384();
    case SignatureAlgorithm::rsa_pss_sha512:
      return EVP_sha512();
  }
  return nullptr;
}

Error signing_failed(std::string_view step) {
  return permanent_error("signing.failed", std::string(step) + " failed: " + take_openssl_errors());
}

// DER ECDSA-Sig-Value -> fixed-width r||s, as RFC 9421 3.3.4 and 3.3.5 require.
Result<std::string> ecdsa_der_to_raw(const std::string& der, int half_width) {
  const auto* cursor = reinterpret_cast<const unsigned char*>(der.data());
  EcdsaSigHandle signature(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!signature) return signing_failed("decoding the ECDSA signature");
  std::string raw(static_cast<std::size_t>(2 * half_width), '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(ECDSA_SIG_get0_r(signature.get()), out, half_width) != half_width ||
      BN_bn2binpad(ECDSA_SIG_get0_s(signature.get()), out + half_width, half_width) != half_width) {
    return signing_failed("encoding r||s");
  }
  return raw;
}

}  // namespace

std::string_view to_string(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::ecdsa_p256_sha256:
      return "ecdsa-p256-sha256";
    case SignatureAlgorithm::ecdsa_p384_sha384:
      return "ecdsa-p384-sha384";
    case SignatureAlgorithm::rsa_v1_5_sha256:
      return "rsa-v1_5-sha256";
    case SignatureAlgorithm::rsa_pss_sha512:
      return "rsa-pss-sha512";
  }
  return "unknown";
}

Result<SignatureAlgorithm> resolve_signature_algorithm(std::string_view configured, const SigningKey& key) {
  SignatureAlgorithm algorithm;
  if (configured == "ecdsa") {
    if (key.type() == KeyType::ec_p384) return SignatureAlgorithm::ecdsa_p384_sha384;
    algorithm = SignatureAlgorithm::ecdsa_p256_sha256;
  } else if (configured == "rsa" || configured == "rsa-v1_5-sha256") {
    algorithm = SignatureAlgorithm::rsa_v1_5_sha256;
  } else if (configured == "rsa-pss" || configured == "rsa-pss-sha512") {
    algorithm = SignatureAlgorithm::rsa_pss_sha512;
  } else if (configured == "ecdsa-p256-sha256") {
    algorithm = SignatureAlgorithm::ecdsa_p256_sha256;
  } else if (configured == "ecdsa-p384-sha384") {
    algorithm = SignatureAlgorithm::ecdsa_p384_sha384;
  } else {
    return permanent_error("signing.unknown_algorithm",
                           "signature algorithm '" + std::string(configured) +
                               "' is not one of rsa, rsa-pss, ecdsa, rsa-v1_5-sha256, rsa-pss-sha512, "
                               "ecdsa-p256-sha256, ecdsa-p384-sha384");
  }
  if (!key_fits(algorithm, key.type())) return mismatch(configured, algorithm, key);
  return algorithm;
}

struct MessageSigner::PreparedContext {
  MdContextHandle context;
};

Result<MessageSigner> MessageSigner::create(const SigningKey& key, SignatureAlgorithm algorithm) {
  if (!key_fits(algorithm, key.type())) return mismatch(to_string(algorithm), algorithm, key);
  MdContextHandle context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;  // owned by `context`
  if (!context ||
      EVP_DigestSignInit(context.get(), &key_context, digest_of(algorithm), nullptr, key.native()) != 1) {
    return signing_failed("initialising the signature");
  }
  if (algorithm == SignatureAlgorithm::rsa_pss_sha512 &&
      (EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(key_context, EVP_sha512()) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, 64) != 1)) {
    return signing_failed("setting the RSA-PSS parameters");
  }
  if (algorithm == SignatureAlgorithm::rsa_v1_5_sha256 &&
      EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) != 1) {
    return signing_failed("setting the PKCS#1 v1.5 padding");
  }
  return MessageSigner(key, algorithm,
                       std::make_shared<PreparedContext>(PreparedContext{std::move(context)}));
}

Result<std::string> MessageSigner::sign(std::string_view message) const {
  MdContextHandle context(EVP_MD_CTX_new());
  if (!context || EVP_MD_CTX_copy_ex(context.get(), prepared_->context.get()) != 1) {
    return signing_failed("copying the prepared signature context");
  }
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  std::size_t length = 0;
  if (EVP_DigestSign(context.get(), nullptr, &length, data, message.size()) != 1) {
    return signing_failed("signing");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                     message.size()) != 1) {
    return signing_failed("signing");
  }
  signature.resize(length);
  switch (algorithm_) {
    case SignatureAlgorithm::ecdsa_p256_sha256:
      return ecdsa_der_to_raw(signature, 32);
    case SignatureAlgorithm::ecdsa_p384_sha384:
      return ecdsa_der_to_raw(signature, 48);
    case SignatureAlgorithm::rsa_v1_5_sha256:
    case SignatureAlgorithm::rsa_pss_sha512:
      return signature;
  }
  return signature;
}

Result<std::string> sign_message(const SigningKey& key, SignatureAlgorithm algorithm,
                                 std::string_view message) {
  auto signer = MessageSigner::create(key, algorithm);
  if (!signer) return signer.error();
  return signer->sign(message);
}

}  // namespace margo
