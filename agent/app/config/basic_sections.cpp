// The sections logging, database, deviceRootIdentity, stateSeeking and capabilities.

#include "agent/app/config/config_sections.hpp"
#include "agent/app/config/file_checks.hpp"
#include "agent/app/config/value_parsers.hpp"

namespace margo {
namespace {

constexpr Duration min_interval = std::chrono::milliseconds(100);
constexpr Duration max_interval = std::chrono::hours(24);

}  // namespace

void read_logging(ConfigWalker& walker, const MapFields& root, LoggingConfig& logging) {
  const auto section = walker.child_map(root, "logging", {"level", "format"});
  if (!section) return;
  if (const auto level = section->find("level")) {
    if (auto value = walker.parsed<LogLevel>(*level, parse_log_level)) logging.level = *value;
  }
  if (const auto format = section->find("format")) {
    if (auto value = walker.parsed<LogFormat>(*format, parse_log_format)) logging.format = *value;
  }
}

void read_database(ConfigWalker& walker, const MapFields& root, const std::string& default_data_dir,
                   AgentConfig& config) {
  const auto section = walker.child_map(root, "database", {"dataDir"});
  if (!section) return;
  if (!section->find("dataDir")) {
    if (walker.sink().check(section->self(), check_directory_if_present(default_data_dir))) {
      config.data_dir = default_data_dir;
      config.data_dir_is_default = true;
    }
    return;
  }
  const auto field = walker.required(*section, "dataDir");
  if (!field) return;
  // The agent creates a missing data directory; something else in its place is a mistake.
  if (auto path = walker.path(*field);
      path && walker.sink().check(*field, check_directory_if_present(*path))) {
    config.data_dir = *path;
  }
}

namespace {

constexpr std::string_view required_for_pki = "is required when identityType is PKI";

void read_pki_attestation(ConfigWalker& walker, const MapFields& attestation,
                          DeviceIdentityConfig& identity) {
  if (const auto random = attestation.find("random")) {
    walker.sink().warning(*random, "ignored: identityType is PKI");
  }
  const auto pki = walker.child_map(attestation, "pki", {"pubCertPath"});
  if (!pki) return;
  if (const auto certificate = walker.required(*pki, "pubCertPath", required_for_pki)) {
    if (auto path = walker.existing_file(*certificate)) identity.certificate_path = *path;
  }
}

void read_random_attestation(ConfigWalker& walker, const MapFields& attestation,
                             DeviceIdentityConfig& identity) {
  if (const auto pki = attestation.find("pki")) {
    walker.sink().warning(*pki, "ignored: identityType is RANDOM");
  }
  const auto random = walker.child_map(attestation, "random", {"value"});
  if (!random) return;
  if (const auto value = random->find("value")) {
    if (auto text = walker.text(*value)) identity.random_common_name = *text;
  }
}

}  // namespace

std::optional<IdentityType> read_identity(ConfigWalker& walker, const MapFields& root,
                                          DeviceIdentityConfig& identity) {
  const auto section = walker.child_map(root, "deviceRootIdentity", {"identityType", "attestation"});
  if (!section) return std::nullopt;
  const auto attestation = walker.child_map(*section, "attestation", {"random", "pki"});
  const auto type_field = walker.required(*section, "identityType");
  if (!type_field) return std::nullopt;
  const auto type = walker.parsed<IdentityType>(*type_field, parse_identity_type);
  if (!type) return std::nullopt;
  identity.type = *type;
  if (!attestation) return type;
  if (*type == IdentityType::pki) {
    read_pki_attestation(walker, *attestation, identity);
  } else {
    read_random_attestation(walker, *attestation, identity);
  }
  return type;
}

namespace {

std::optional<DailyWindow> read_window(ConfigWalker& walker, const Field& field) {
  const auto text = walker.non_empty_text(field);
  if (!text) return std::nullopt;
  auto window = parse_daily_window(*text);
  if (!window) {
    walker.sink().problem(field, window.error().message);
    return std::nullopt;
  }
  return *window;
}

// Polling hours and downtime windows (checklist 4 and 5): when the agent may talk to the WFM.
void read_communication(ConfigWalker& walker, const MapFields& section, CommunicationConfig& communication) {
  if (const auto hours = section.find("pollingHours"))
    communication.polling_hours = read_window(walker, *hours);
  if (const auto downtime = section.find("downtime")) {
    if (downtime->node.IsSequence()) {
      if (const auto items = walker.sequence(*downtime))
        for (const Field& item : *items)
          if (auto window = read_window(walker, item)) communication.downtimes.push_back(*window);
    } else if (auto window = read_window(walker, *downtime)) {
      communication.downtimes.push_back(*window);
    }
  }
  if (const auto zone = section.find("timeZone")) {
    const auto text = walker.non_empty_text(*zone);
    if (text && *text == "UTC") {
      communication.utc = true;
    } else if (text && *text != "local") {
      walker.sink().problem(*zone, "local or UTC, got " + quote_value(*text));
    }
  }
  CommunicationPolicy policy{communication.polling_hours, communication.downtimes, nullptr};
  if (policy.restricted() && !policy.ever_open())
    walker.sink().problem(section.self(),
                          "pollingHours and downtime leave no minute of the day to talk to the WFM");
}

}  // namespace

void read_state_seeking(ConfigWalker& walker, const MapFields& root, Duration& interval,
                        CommunicationConfig& communication) {
  const auto section =
      walker.child_map(root, "stateSeeking", {"interval", "pollingHours", "downtime", "timeZone"});
  if (!section) return;
  read_communication(walker, *section, communication);
  const auto field = section->find("interval");
  if (!field) return;
  const auto value = walker.parsed<Duration>(*field, parse_duration);
  if (!value) return;
  if (*value < min_interval || *value > max_interval) {
    walker.sink().problem(*field, "must be between 100ms and 24h, got " + quote_value(field->node.Scalar()));
    return;
  }
  interval = *value;
}

void read_capabilities(ConfigWalker& walker, const MapFields& root, CapabilitiesConfig& capabilities) {
  const auto section = walker.child_map(root, "capabilities", {"readFromFile"});
  if (!section) return;
  const auto field = walker.required(*section, "readFromFile");
  if (!field) return;
  const auto path = walker.path(*field);
  if (!path) return;
  auto manifest = read_json_object(*path, max_capabilities_bytes);
  if (!manifest) {
    walker.sink().problem(*field, manifest.error().message);
    return;
  }
  capabilities.path = *path;
  capabilities.manifest = std::move(manifest).value();
}

}  // namespace margo
