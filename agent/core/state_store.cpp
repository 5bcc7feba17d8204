#include "agent/core/state_store.hpp"

#include "agent/core/durable_file.hpp"
#include "agent/core/encoding.hpp"
#include "agent/core/paths.hpp"

namespace margo {
namespace {

constexpr unsigned kStateFileMode = 0600;
constexpr std::size_t kMaxStateBytes = 64 * 1024 * 1024;

}  // namespace

std::string serialize_state_document(const AgentState& state) {
  const std::string body = to_json(state).dump();
  nlohmann::json document = {{"schema", kStateSchemaVersion}, {"sha256", sha256_hex(body)}};
  document["state"] = nlohmann::json::parse(body);
  return document.dump(2) + "\n";
}

StateStore::StateStore(FileSystem& fs, std::string directory) : fs_(fs), directory_(std::move(directory)) {}

std::string StateStore::state_path() const {
  return join_path(directory_, "state.json");
}
std::string StateStore::previous_path() const {
  return join_path(directory_, "state.json.prev");
}

Result<std::optional<AgentState>> StateStore::read_copy(const std::string& path, std::string& problem) {
  auto bytes = fs_.read_file(path, kMaxStateBytes);
  if (!bytes) {
    if (bytes.error().code == "fs.not_found") return std::optional<AgentState>();
    return bytes.error();
  }
  const auto document = nlohmann::json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    problem = path + ": not valid JSON (truncated or damaged)";
    return std::optional<AgentState>();
  }
  const auto schema = document.find("schema");
  if (schema == document.end() || !schema->is_number_integer()) {
    problem = path + ": no schema version";
    return std::optional<AgentState>();
  }
  if (schema->get<int>() != kStateSchemaVersion) {
    return permanent_error("state.unsupported_schema",
                           path + ": schema " + std::to_string(schema->get<int>()) +
                               " is not supported (expected " + std::to_string(kStateSchemaVersion) + ")");
  }
  const auto checksum = document.find("sha256");
  const auto state_json = document.find("state");
  if (checksum == document.end() || !checksum->is_string() || state_json == document.end() ||
      sha256_hex(state_json->dump()) != checksum->get<std::string>()) {
    problem = path + ": checksum mismatch (damaged)";
    return std::optional<AgentState>();
  }
  auto state = agent_state_from_json(*state_json);
  if (!state) {
    problem = path + ": " + state.error().message;
    return std::optional<AgentState>();
  }
  return std::optional<AgentState>(std::move(state).value());
}

Result<LoadedState> StateStore::load() {
  std::string main_problem;
  auto main = read_copy(state_path(), main_problem);
  if (!main) return main.error();
  if (main->has_value()) {
    last_saved_ = serialize_state_document(**main);
    return LoadedState{std::move(**main), false, std::nullopt};
  }

  std::string previous_problem;
  auto previous = read_copy(previous_path(), previous_problem);
  if (!previous) return previous.error();
  if (previous->has_value()) {
    const std::string what = main_problem.empty() ? state_path() + " is missing" : main_problem;
    last_saved_ = serialize_state_document(**previous);
    return LoadedState{std::move(**previous), false,
                       what + "; recovered the previous good copy " + previous_path()};
  }

  if (main_problem.empty() && previous_problem.empty()) return LoadedState{AgentState{}, true, std::nullopt};
  std::string message = "no usable state: ";
  message += main_problem.empty() ? state_path() + " is missing" : main_problem;
  message += "; ";
  message += previous_problem.empty() ? previous_path() + " is missing" : previous_problem;
  message +=
      ". Refusing to start fresh (this device may already be onboarded); restore a backup or move the "
      "damaged files away to onboard again";
  return security_error("state.corrupt", message);
}

Status StateStore::save(const AgentState& state) {
  if (auto created = fs_.create_directories(directory_, 0700); !created) return created;
  const std::string document = serialize_state_document(state);
  if (last_saved_ == document) return {};
  if (last_saved_) {
    if (auto kept = write_file_durably(fs_, previous_path(), *last_saved_, kStateFileMode); !kept)
      return kept;
  }
  if (auto written = write_file_durably(fs_, state_path(), document, kStateFileMode); !written)
    return written;
  last_saved_ = document;
  return {};
}

}  // namespace margo
