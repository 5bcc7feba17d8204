#pragma once
// Where a compose component's package comes from, read from its properties:
//   packageLocation (required): an https:// URL of a compose.yaml or of a tar.gz holding one, or a
//     local absolute path (or file:///path URL). http:// is accepted only together with packageDigest:
//     without a digest nothing would stop a man in the middle (secure by default).
//   packageDigest (optional, our extension): "sha256:<64 lowercase hex>" over the exact bytes of the
//     package as downloaded.
//   keyLocation (optional): URL or path of a PEM public key (SubjectPublicKeyInfo, "BEGIN PUBLIC KEY");
//     the package must then carry a detached signature at packageLocation + ".sig" (inserted before a
//     query string, if any). Same http:// rule as packageLocation.
// Local paths are read with the agent's own rights: the WFM is trusted to name them.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"

namespace margo {

enum class LocationKind { https, http, file };

struct PackageLocation {
  LocationKind kind = LocationKind::https;
  std::string target;   // the URL as given (http, https) or the absolute path (file)
  std::string display;  // for messages and logs: the URL without query or fragment, or the path
};

struct PackageReference {
  PackageLocation package;
  PackageLocation signature;          // where the detached signature is, when a key is given
  std::optional<std::string> digest;  // 64 lowercase hex digits of the SHA-256
  std::optional<PackageLocation> key;
};

// Errors (permanent): component.invalid_property for a missing or malformed property,
// compose.insecure_location for http:// without packageDigest.
Result<PackageReference> read_package_reference(const nlohmann::json& properties);

// One location; `property` names it in error messages.
Result<PackageLocation> parse_location(std::string_view text, std::string_view property);

}  // namespace margo
