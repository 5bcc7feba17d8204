#include "fakes/wfm/http_fields.hpp"

namespace margo::fake {

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::string> combined_field_value(const HttpHeaders& headers, std::string_view name) {
  std::optional<std::string> combined;
  for (const auto& field : headers) {
    if (!iequals(field.name, name)) continue;
    if (combined) {
      combined->append(", ");
    } else {
      combined.emplace();
    }
    combined->append(trim_ows(field.value));
  }
  return combined;
}

}  // namespace margo::fake
