#include "agent/wfm/content_digest.hpp"

#include "agent/core/encoding.hpp"
#include "agent/wfm/structured_fields.hpp"

namespace margo {

std::string content_digest_sha256(std::string_view body) {
  return "sha-256=" + serialize_sf_byte_sequence(sha256(body));
}

}  // namespace margo
