#include "fakes/wfm/content_digest.hpp"

#include "fakes/wfm/http_fields.hpp"
#include "fakes/wfm/openssl_codec.hpp"
#include "fakes/wfm/structured_fields.hpp"

namespace margo::fake {
namespace {

Error digest_error(std::string code, std::string message) {
  return permanent_error(std::move(code), "Content-Digest: " + std::move(message));
}

}  // namespace

Status verify_content_digest(const HttpHeaders& headers, std::string_view body) {
  const auto field = combined_field_value(headers, "Content-Digest");
  if (!field) return digest_error("digest.missing", "header is missing");
  auto dictionary = sf::parse_dictionary(*field);
  if (!dictionary) return digest_error("digest.malformed", dictionary.error().message);

  bool any_supported = false;
  for (const auto& [algorithm, member] : *dictionary) {
    std::string (*hash)(std::string_view) = nullptr;
    if (algorithm == "sha-256") hash = sha256_bytes;
    if (algorithm == "sha-512") hash = sha512_bytes;
    if (hash == nullptr) continue;
    any_supported = true;
    const auto* item = std::get_if<sf::Item>(&member);
    const auto* bytes = item == nullptr ? nullptr : std::get_if<sf::ByteSequence>(&item->value);
    if (bytes == nullptr)
      return digest_error("digest.malformed", algorithm + " value is not a byte sequence");
    if (bytes->bytes != hash(body))
      return digest_error("digest.mismatch", algorithm + " does not match the body");
  }
  if (!any_supported) return digest_error("digest.unsupported", "no sha-256 or sha-512 entry");
  return {};
}

std::string content_digest_sha256(std::string_view body) {
  return "sha-256=:" + base64_encode(sha256_bytes(body)) + ":";
}

}  // namespace margo::fake
