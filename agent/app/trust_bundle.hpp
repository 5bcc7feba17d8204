#pragma once
// The CA certificates the HTTPS client trusts: the configured CA (tlsHelper.caKeyRef.path), plus the
// WFM root CA fetched at onboarding when tlsHelper.fetchRootCa is on. With tlsHelper disabled the
// system trust store is used; verification is never switched off.

#include <string>

#include "agent/app/config/agent_config.hpp"
#include "agent/ports/filesystem.hpp"

namespace margo {

// The CA file for the HTTPS client: empty for the system store, the configured file, or a bundle in
// the data directory combining it with the fetched root CA.
Result<std::string> prepare_trust_bundle(const AgentConfig& config, FileSystem& fs,
                                         const std::string& fetched_root_ca);

}  // namespace margo
