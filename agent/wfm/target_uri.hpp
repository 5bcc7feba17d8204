#pragma once
// The parts of an absolute http(s) target URI that RFC 9421 derived components are made of.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo {

struct TargetUri {
  std::string scheme;                // lowercase
  std::string authority;             // host lowercased, default port omitted (RFC 9110 4.2.3)
  std::string path;                  // as sent, percent-encoding untouched; "/" when empty
  std::optional<std::string> query;  // as sent, without the "?"; nullopt when there is no "?"
};

// Accepts "http" and "https" URIs of printable ASCII without userinfo or fragment; anything else is
// signing.bad_uri naming the URI.
Result<TargetUri> parse_target_uri(std::string_view uri);

// One parameter of a form-encoded query: parsed as application/x-www-form-urlencoded (the WHATWG
// URL standard), then name and value percent-encoded again with that standard's
// application/x-www-form-urlencoded percent-encode set, as RFC 9421 2.2.8 requires.
struct QueryParameter {
  std::string name;
  std::string value;
};
std::vector<QueryParameter> parse_query_parameters(std::string_view query);

}  // namespace margo
