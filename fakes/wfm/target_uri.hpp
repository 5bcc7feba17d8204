#pragma once
// The absolute target URI of a request (scheme://authority/path?query), split into the parts RFC 9421
// derived components and the fake WFM's routing need. Nothing is decoded: parts are the sent bytes.

#include <optional>
#include <string>
#include <string_view>

#include "agent/ports/result.hpp"

namespace margo::fake {

struct TargetUri {
  std::string scheme;                // lowercased
  std::string authority;             // as sent: host[:port]
  std::string host;                  // lowercased
  std::string port;                  // empty when none was sent
  std::string path;                  // "/" when none was sent
  std::optional<std::string> query;  // without the "?"; nullopt when there was no "?"

  // RFC 9421 2.2.3: lowercased host, port left out when it is the scheme's default.
  std::string normalized_authority() const;
};

// Errors: uri.malformed (with what is wrong).
Result<TargetUri> parse_target_uri(std::string_view url);

}  // namespace margo::fake
