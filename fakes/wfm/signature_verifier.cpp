#include "fakes/wfm/signature_verifier.hpp"

#include <algorithm>

#include "fakes/wfm/http_fields.hpp"
#include "fakes/wfm/structured_fields.hpp"

namespace margo::fake {
namespace {

Error failure(const std::string& code, const std::string& message) {
  return security_error(code, message);
}

Result<std::optional<std::int64_t>> integer_parameter(const sf::Parameters& parameters,
                                                      const std::string& key) {
  const auto* value = sf::find_parameter(parameters, key);
  if (value == nullptr) return std::optional<std::int64_t>();
  const auto* number = std::get_if<std::int64_t>(value);
  if (number == nullptr) return failure("signature.malformed", "parameter '" + key + "' is not an integer");
  return std::optional<std::int64_t>(*number);
}

Result<std::optional<std::string>> string_parameter(const sf::Parameters& parameters,
                                                    const std::string& key) {
  const auto* value = sf::find_parameter(parameters, key);
  if (value == nullptr) return std::optional<std::string>();
  const auto* text = std::get_if<std::string>(value);
  if (text == nullptr) return failure("signature.malformed", "parameter '" + key + "' is not a string");
  return std::optional<std::string>(*text);
}

Status check_covered(const sf::InnerList& covered, const SignaturePolicy& policy) {
  for (const auto& required : policy.required_components) {
    const bool present = std::any_of(covered.items.begin(), covered.items.end(), [&](const sf::Item& item) {
      const auto* name = std::get_if<std::string>(&item.value);
      return name != nullptr && *name == required && item.parameters.empty();
    });
    if (!present) return failure("signature.policy", "component \"" + required + "\" is not covered");
  }
  return {};
}

Status check_times(const std::optional<std::int64_t>& created, const std::optional<std::int64_t>& expires,
                   const SignaturePolicy& policy) {
  if (policy.require_created && !created)
    return failure("signature.policy", "parameter 'created' is missing");
  if (!policy.now) return {};
  const std::int64_t now = unix_seconds(*policy.now);
  const auto seconds = [](Duration duration) {
    return std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  };
  if (created && *created < now - seconds(policy.max_age))
    return failure("signature.policy", "created " + std::to_string(*created) +
                                           " is older than the window (now " + std::to_string(now) + ")");
  if (created && *created > now + seconds(policy.max_future))
    return failure("signature.policy", "created " + std::to_string(*created) + " is in the future (now " +
                                           std::to_string(now) + ")");
  if (expires && *expires <= now)
    return failure("signature.policy", "signature expired at " + std::to_string(*expires));
  return {};
}

}  // namespace

Result<VerifiedSignature> verify_message_signature(const SignedMessage& message, const PublicKey& key,
                                                   const SignaturePolicy& policy) {
  const auto input_field = combined_field_value(message.headers, "Signature-Input");
  const auto signature_field = combined_field_value(message.headers, "Signature");
  if (!input_field) return failure("signature.missing", "no Signature-Input header");
  if (!signature_field) return failure("signature.missing", "no Signature header");

  auto inputs = sf::parse_dictionary(*input_field);
  if (!inputs) return failure("signature.malformed", "Signature-Input: " + inputs.error().message);
  auto signatures = sf::parse_dictionary(*signature_field);
  if (!signatures) return failure("signature.malformed", "Signature: " + signatures.error().message);
  if (inputs->empty()) return failure("signature.malformed", "Signature-Input has no signature");

  VerifiedSignature verified;
  verified.label = inputs->front().first;
  const auto* covered = std::get_if<sf::InnerList>(&inputs->front().second);
  if (covered == nullptr)
    return failure("signature.malformed", "Signature-Input '" + verified.label + "' is not an inner list");
  const auto entry = std::find_if(signatures->begin(), signatures->end(),
                                  [&](const auto& member) { return member.first == verified.label; });
  if (entry == signatures->end())
    return failure("signature.malformed", "Signature has no entry labelled '" + verified.label + "'");
  const auto* item = std::get_if<sf::Item>(&entry->second);
  const auto* signature = item == nullptr ? nullptr : std::get_if<sf::ByteSequence>(&item->value);
  if (signature == nullptr)
    return failure("signature.malformed", "Signature '" + verified.label + "' is not a byte sequence");

  auto created = integer_parameter(covered->parameters, "created");
  if (!created) return created.error();
  auto expires = integer_parameter(covered->parameters, "expires");
  if (!expires) return expires.error();
  auto keyid = string_parameter(covered->parameters, "keyid");
  if (!keyid) return keyid.error();
  auto alg = string_parameter(covered->parameters, "alg");
  if (!alg) return alg.error();
  verified.created = *created;
  verified.keyid = *keyid;

  if (auto status = check_covered(*covered, policy); !status) return status.error();
  if (auto status = check_times(*created, *expires, policy); !status) return status.error();
  if (policy.expected_keyid && *keyid != policy.expected_keyid)
    return failure("signature.policy", "keyid '" + keyid->value_or("") + "' is not the expected '" +
                                           *policy.expected_keyid + "'");

  auto algorithms = signature_algorithms_for(key);
  if (!algorithms) return failure("signature.key", algorithms.error().message);
  if (*alg) {
    if (std::find(algorithms->begin(), algorithms->end(), **alg) == algorithms->end())
      return failure("signature.policy", "alg '" + **alg + "' does not fit the client's key");
    *algorithms = {**alg};
  }

  auto base = build_signature_base(message, *covered);
  if (!base) return base.error();
  verified.signature_base = std::move(*base);
  for (const auto& algorithm : *algorithms) {
    if (verify_signature(algorithm, key, verified.signature_base, signature->bytes)) {
      verified.algorithm = algorithm;
      return verified;
    }
  }
  return failure("signature.invalid",
                 "signature '" + verified.label + "' does not verify with the client's key");
}

}  // namespace margo::fake
