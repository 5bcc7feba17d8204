// The fake WFM's RFC 9421 verifier: the fuzzer's bytes become the Signature-Input and Signature fields
// (split at the first newline) of a request checked against a fixed P-256 key.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fakes/wfm/signature_verifier.hpp"

namespace {

const char* const kPublicKey =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf\n"
    "w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==\n"
    "-----END PUBLIC KEY-----\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto key = margo::fake::public_key_from_pem(kPublicKey);
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto newline = text.find('\n');
  margo::HttpRequest request;
  request.method = "GET";
  request.url = "https://wfm.example/api/v1/clients/c/deployments?x=1";
  request.headers.set("Content-Digest", "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  request.headers.set("Signature-Input", text.substr(0, newline));
  if (newline != std::string::npos) request.headers.set("Signature", text.substr(newline + 1));
  margo::fake::SignaturePolicy policy;
  policy.require_created = false;
  (void)margo::fake::verify_message_signature(margo::fake::SignedMessage::of_request(request), *key, policy);
  return 0;
}
