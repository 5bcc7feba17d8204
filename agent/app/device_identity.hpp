#pragma once
// The device's identity for onboarding and request signing: the certificate presented to the WFM and
// the private key that signs requests.
//   PKI:    both provisioned by the operator (deviceRootIdentity.attestation.pki.pubCertPath and
//           requestSigner.keyRef.path); they must belong together.
//   RANDOM: generated on first start (EC P-256, self-signed) and kept in the data directory (the key
//           at keyRef.path when given), so the device keeps one identity across restarts.

#include <optional>
#include <string>

#include "agent/app/config/agent_config.hpp"
#include "agent/core/logger.hpp"
#include "agent/ports/filesystem.hpp"
#include "agent/wfm/certificate.hpp"
#include "agent/wfm/signing_key.hpp"

namespace margo {

struct DeviceIdentity {
  Certificate certificate;
  std::optional<SigningKey> key;  // absent when request signing is switched off (PKI)
  std::string certificate_path;
  std::string key_path;
};

struct IdentityPaths {
  std::string certificate;
  std::string key;
};

IdentityPaths identity_paths(const AgentConfig& config);

// Loads the identity, generating the RANDOM one when it does not exist yet. Errors name the files:
// identity.key_mismatch, identity.incomplete (a RANDOM identity with only one of its two files), and
// those of the key and certificate loaders.
Result<DeviceIdentity> provision_identity(const AgentConfig& config, FileSystem& fs, WallTime now,
                                          const Logger& logger);

// Loads without generating anything (for `validate`): nullopt when a RANDOM identity is not made yet.
Result<std::optional<DeviceIdentity>> load_identity(const AgentConfig& config, FileSystem& fs);

}  // namespace margo
