#pragma once
// The schema of config.yaml, one reader per top-level section. Each reads its section from the root
// map into the config, reporting every problem it finds and leaving defaults where values are bad.
// An absent section reads as an empty one: its required keys are reported by their full path.

#include <optional>
#include <vector>

#include "agent/app/config/agent_config.hpp"
#include "agent/app/config/config_walker.hpp"

namespace margo {

// Maximum sizes of the files the config names.
inline constexpr std::size_t max_capabilities_bytes = 1 << 20;
inline constexpr std::size_t max_secret_bytes = 64 << 10;

void read_logging(ConfigWalker& walker, const MapFields& root, LoggingConfig& logging);
// Without database.dataDir, `default_data_dir` (see data_directory.hpp).
void read_database(ConfigWalker& walker, const MapFields& root, const std::string& default_data_dir,
                   AgentConfig& config);
// Returns the identity type when it could be read: the request signer's key checks depend on it.
std::optional<IdentityType> read_identity(ConfigWalker& walker, const MapFields& root,
                                          DeviceIdentityConfig& identity);
void read_state_seeking(ConfigWalker& walker, const MapFields& root, Duration& interval,
                        CommunicationConfig& communication);
void read_capabilities(ConfigWalker& walker, const MapFields& root, CapabilitiesConfig& capabilities);
void read_runtimes(ConfigWalker& walker, const MapFields& root, std::vector<RuntimeConfig>& runtimes);
void read_monitoring(ConfigWalker& walker, const MapFields& root, MonitoringConfig& monitoring);
void read_deployments(ConfigWalker& walker, const MapFields& root, DeploymentsConfig& deployments);

struct WfmSectionContext {
  std::optional<IdentityType> identity_type;  // nullopt when it was missing or bad
  bool config_readable_by_others = false;     // decides whether an inline clientSecret is allowed
};

void read_wfm(ConfigWalker& walker, const MapFields& root, const WfmSectionContext& context, WfmConfig& wfm);

}  // namespace margo
