#include "agent/wfm/rfc9421_signer.hpp"

#include "agent/wfm/content_digest.hpp"
#include "agent/wfm/signature_base.hpp"
#include "agent/wfm/structured_fields.hpp"

namespace margo {
namespace {

constexpr std::string_view kLabel = "sig1";

const std::vector<ComponentIdentifier>& covered_components() {
  static const std::vector<ComponentIdentifier> components = {
      {"@method", {}}, {"@target-uri", {}}, {"content-digest", {}}};
  return components;
}

}  // namespace

Rfc9421Signer::Rfc9421Signer(SigningKey key, SignatureAlgorithm algorithm)
    : signer_(MessageSigner::create(key, algorithm)) {}

Status Rfc9421Signer::sign(HttpRequest& request, std::string_view key_id, std::int64_t created) {
  // A failed attempt must not leave an earlier attempt's signature behind.
  request.headers.remove("Signature-Input");
  request.headers.remove("Signature");
  if (!signer_) return signer_.error();
  request.headers.set("Content-Digest", content_digest_sha256(request.body));
  const SignatureInput input{covered_components(), {{"created", created}, {"keyid", std::string(key_id)}}};
  auto base = build_signature_base(RequestView{request.method, request.url, request.headers}, input);
  if (!base) return base.error();
  auto signature = signer_->sign(base->base);
  if (!signature) return signature.error();
  request.headers.set("Signature-Input", std::string(kLabel) + '=' + base->signature_params);
  request.headers.set("Signature", std::string(kLabel) + '=' + serialize_sf_byte_sequence(*signature));
  return {};
}

}  // namespace margo
