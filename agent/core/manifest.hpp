#pragma once
// The desired-state manifest (UnsignedAppStateManifest) and the checks every 200 body must pass
// before anything is fetched: manifestVersion an unsigned 64-bit integer >= 1, digests exactly
// sha256:<64 lowercase hex>, bundle null if and only if there are no deployments, ids URL-safe and
// unique.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo {

inline constexpr std::string_view kBundleMediaType = "application/vnd.margo.bundle.v1+tar+gzip";

struct BundleRef {
  std::string media_type;
  std::string digest;
  std::optional<std::uint64_t> size_bytes;  // an estimate, never used for integrity
  std::string url;
};

struct DeploymentRef {
  std::string deployment_id;
  std::string digest;
  std::optional<std::uint64_t> size_bytes;
  std::string url;
};

struct Manifest {
  std::uint64_t version = 0;
  std::optional<BundleRef> bundle;
  std::vector<DeploymentRef> deployments;
};

bool is_sha256_digest(std::string_view digest);

// Errors: manifest.invalid (security class: the content cannot be trusted), naming the field.
Result<Manifest> parse_manifest(std::string_view body);

}  // namespace margo
