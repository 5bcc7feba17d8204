#pragma once
// RFC 9421 verification of one HTTP message signature, with the policy the fake WFM enforces on
// top: which components must be covered, the `created` window and the expected key id.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/result.hpp"
#include "fakes/wfm/public_key.hpp"
#include "fakes/wfm/signature_base.hpp"

namespace margo::fake {

struct SignaturePolicy {
  // Component identifiers (without parameters) that must be among the covered ones.
  std::vector<std::string> required_components = {"@method", "@target-uri", "content-digest"};
  bool require_created = true;
  // When set, `created` must lie in [now - max_age, now + max_future] and `expires`, if given, after now.
  std::optional<WallTime> now;
  Duration max_age = std::chrono::seconds(300);
  Duration max_future = std::chrono::seconds(60);
  // When set, the keyid parameter must be present and equal to it.
  std::optional<std::string> expected_keyid;
};

struct VerifiedSignature {
  std::string label;
  std::string algorithm;
  std::optional<std::string> keyid;
  std::optional<std::int64_t> created;
  std::string signature_base;
};

// Takes the first label of Signature-Input and the Signature entry of the same label. Errors (all
// class security): signature.missing (no Signature-Input or Signature field), signature.malformed,
// signature.components (base cannot be rebuilt), signature.policy (covered set, created, expires,
// keyid, alg), signature.key (unsupported key), signature.invalid (the bytes do not verify).
Result<VerifiedSignature> verify_message_signature(const SignedMessage& message, const PublicKey& key,
                                                   const SignaturePolicy& policy);

}  // namespace margo::fake
