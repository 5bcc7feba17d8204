#include "fakes/wfm/http_negotiation.hpp"

#include <string>

#include "agent/ports/http_client.hpp"
#include "fakes/wfm/http_fields.hpp"

namespace margo::fake {
namespace {

// Calls visit(element) for each comma-separated, trimmed, non-empty element.
template <typename Visit>
bool any_element(std::string_view list, Visit visit) {
  while (true) {
    const std::size_t comma = list.find(',');
    const std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty() && visit(element)) return true;
    if (comma == std::string_view::npos) return false;
    list.remove_prefix(comma + 1);
  }
}

// q=0 (or 0.0, 0.00, 0.000) excludes a media range.
bool excluded_by_quality(std::string_view parameters) {
  while (!parameters.empty()) {
    const std::size_t semicolon = parameters.find(';');
    const std::string_view parameter = trim_ows(parameters.substr(0, semicolon));
    if (parameter.size() >= 2 && (parameter[0] == 'q' || parameter[0] == 'Q') && parameter[1] == '=') {
      const std::string_view value = parameter.substr(2);
      return !value.empty() && value.find_first_not_of("0.") == std::string_view::npos;
    }
    if (semicolon == std::string_view::npos) break;
    parameters.remove_prefix(semicolon + 1);
  }
  return false;
}

}  // namespace

bool accepts_media_type(std::string_view accept, std::string_view media_type) {
  const std::string type_wildcard = std::string(media_type.substr(0, media_type.find('/'))) + "/*";
  return any_element(accept, [&](std::string_view element) {
    const std::size_t semicolon = element.find(';');
    const std::string_view range = trim_ows(element.substr(0, semicolon));
    const bool matches = iequals(range, media_type) || iequals(range, type_wildcard) || range == "*/*";
    return matches &&
           !(semicolon != std::string_view::npos && excluded_by_quality(element.substr(semicolon + 1)));
  });
}

bool if_none_match_matches(std::string_view if_none_match, std::string_view etag) {
  const auto opaque = [](std::string_view tag) { return tag.substr(0, 2) == "W/" ? tag.substr(2) : tag; };
  if (trim_ows(if_none_match) == "*") return true;
  return any_element(if_none_match,
                     [&](std::string_view element) { return opaque(element) == opaque(etag); });
}

}  // namespace margo::fake
