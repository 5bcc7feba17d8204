#include "agent/app/device_identity.hpp"

#include "agent/core/durable_file.hpp"
#include "agent/core/paths.hpp"
#include "agent/wfm/identity_generation.hpp"

namespace margo {
namespace {

constexpr auto kGeneratedValidity = std::chrono::hours(24 * 365 * 10);

bool exists(FileSystem& fs, const std::string& path) {
  auto info = fs.stat(path);
  return info && info->has_value();
}

Result<DeviceIdentity> load_pair(const IdentityPaths& paths, bool need_key, FileSystem& fs) {
  auto certificate = load_certificate(fs, paths.certificate);
  if (!certificate) return certificate.error();
  DeviceIdentity identity{std::move(certificate).value(), std::nullopt, paths.certificate, paths.key};
  if (!need_key) return identity;
  auto key = load_signing_key(fs, paths.key);
  if (!key) return key.error();
  if (!identity.certificate.matches(*key)) {
    return permanent_error(
        "identity.key_mismatch",
        "the private key " + paths.key + " does not belong to the certificate " + paths.certificate);
  }
  identity.key = std::move(key).value();
  return identity;
}

}  // namespace

IdentityPaths identity_paths(const AgentConfig& config) {
  const auto& signer = config.wfm.request_signer;
  if (config.identity.type == IdentityType::pki) return {config.identity.certificate_path, signer.key_path};
  const std::string directory = join_path(config.data_dir, "identity");
  return {join_path(directory, "device.crt"),
          signer.key_path.empty() ? join_path(directory, "device.key") : signer.key_path};
}

Result<std::optional<DeviceIdentity>> load_identity(const AgentConfig& config, FileSystem& fs) {
  const IdentityPaths paths = identity_paths(config);
  if (config.identity.type == IdentityType::random) {
    const bool have_certificate = exists(fs, paths.certificate);
    const bool have_key = exists(fs, paths.key);
    if (!have_certificate && !have_key) return std::optional<DeviceIdentity>();
    if (have_certificate != have_key) {
      return permanent_error("identity.incomplete",
                             "RANDOM identity is incomplete: " + (have_key ? paths.certificate : paths.key) +
                                 " is missing while " + (have_key ? paths.key : paths.certificate) +
                                 " exists; restore it, or remove both to make a new identity (the WFM will "
                                 "then see a new device)");
    }
  }
  const bool need_key = config.wfm.request_signer.enabled || config.identity.type == IdentityType::random;
  auto identity = load_pair(paths, need_key, fs);
  if (!identity) return identity.error();
  return std::optional<DeviceIdentity>(std::move(identity).value());
}

Result<DeviceIdentity> provision_identity(const AgentConfig& config, FileSystem& fs, WallTime now,
                                          const Logger& logger) {
  const IdentityPaths paths = identity_paths(config);
  // The key is written before the certificate, so a power loss between the two leaves a key without
  // its certificate: nothing was presented to the WFM with it yet, so a fresh pair replaces it.
  const bool interrupted =
      config.identity.type == IdentityType::random && exists(fs, paths.key) && !exists(fs, paths.certificate);
  if (interrupted) {
    logger.warn("RANDOM identity generation was interrupted; generating it again", {{"key", paths.key}});
  } else {
    auto loaded = load_identity(config, fs);
    if (!loaded) return loaded.error();
    if (loaded->has_value()) return std::move(**loaded);
  }

  std::string common_name = config.identity.random_common_name;
  auto generated =
      generate_self_signed_identity(common_name.empty() ? "margo-device" : common_name, now,
                                    std::chrono::duration_cast<std::chrono::seconds>(kGeneratedValidity));
  if (!generated) return generated.error();
  if (auto made = fs.create_directories(parent_directory(paths.key), 0700); !made) return made.error();
  if (auto made = fs.create_directories(parent_directory(paths.certificate), 0700); !made)
    return made.error();
  // The key first (see above).
  if (auto written = write_file_durably(fs, paths.key, generated->private_key_pem, 0600); !written)
    return written.error();
  if (auto written = write_file_durably(fs, paths.certificate, generated->certificate_pem, 0644); !written)
    return written.error();
  logger.info("generated a RANDOM device identity", {{"certificate", paths.certificate}, {"key", paths.key}});

  auto identity = load_pair(paths, true, fs);
  if (!identity) return identity.error();
  return std::move(identity).value();
}

}  // namespace margo
