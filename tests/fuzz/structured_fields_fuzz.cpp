// The fake WFM's RFC 8941 parser: Signature-Input, Signature and Content-Digest values from any client.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fakes/wfm/structured_fields.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto dictionary = margo::fake::sf::parse_dictionary(text)) {
    for (const auto& [key, member] : *dictionary) (void)key;
  }
  (void)margo::fake::sf::parse_list(text);
  if (auto item = margo::fake::sf::parse_item(text)) (void)margo::fake::sf::serialize_item(*item);
  return 0;
}
