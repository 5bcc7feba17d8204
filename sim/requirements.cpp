#include "sim/requirements.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace margo::sim {
namespace {

const std::map<int, std::string_view>& titles() {
  static const std::map<int, std::string_view> table = {
      {1, "implements the client side of the Management API"},
      {4, "downtime window, polling hours and polling rate are configurable"},
      {5, "no retries during a downtime, communication errors ignored"},
      {14, "onboards with POST /api/v1/onboarding"},
      {15, "keeps the clientId from the 201 and uses it in every path"},
      {16, "does not go on after an onboarding 400 or 403"},
      {19, "the onboarding request carries the message signature"},
      {20, "every request carries Content-Digest"},
      {21, "signature base over @method, @target-uri, Content-Digest, created, keyid"},
      {22, "signs with the device key, sends Signature"},
      {23, "sends Signature-Input"},
      {26, "reports capabilities as the last onboarding step"},
      {27, "re-sends capabilities whenever a reported value changes"},
      {28, "capabilities created with POST, updated with PUT"},
      {39, "polls the desired state periodically, at the configured rate"},
      {41, "sends If-None-Match with the stored ETag"},
      {42, "a 304 leaves the state untouched"},
      {44, "checks the Content-Type of a 200 manifest"},
      {45, "refuses a manifestVersion that is not strictly greater"},
      {46, "logs a refused rollback as a security event"},
      {52, "verifies the digest of every artifact before use"},
      {53, "a digest mismatch aborts the whole update, the previous state kept"},
      {55, "a 404 on a YAML or bundle is not a deletion"},
      {56, "removes deployments no longer in the manifest"},
      {57, "applies a deployment that is new or whose digest changed"},
      {58, "persists manifestVersion and ETag after reconciliation, not before"},
      {59, "keeps manifestVersion and ETag across restarts"},
      {60, "If-None-Match carries the manifest's ETag only"},
      {64, "unpacks the bundle: a gzip tar with one YAML per deployment at its root"},
      {67, "installs components in the order listed"},
      {79, "reports status for every state change"},
      {82, "status states are pending, installing, installed, failed, removing, removed"},
  };
  return table;
}

const std::map<std::string_view, std::vector<int>>& defaults() {
  static const std::map<std::string_view, std::vector<int>> table = {
      {"agentPhase", {1}},
      {"onboardings", {14, 15}},
      {"onboardingRequests", {14, 15}},
      {"minPolls", {39}},
      {"maxPolls", {39}},
      {"minNotModified", {41, 42}},
      {"maxFailedPolls", {39}},
      {"capabilitiesReports", {26, 28}},
      {"manifestVersion", {45, 58, 59}},
      {"fatalCode", {1}},
      {"allSignaturesVerified", {19, 20, 21, 22, 23}},
      {"deployments", {56, 57}},
      {"statusSequence", {79, 82}},
      {"runtimeComponents", {56, 57}},
      {"maxRuntimeApplies", {57}},
      {"outboxEmpty", {79}},
      {"quietWindows", {4, 5}},
      {"ifNoneMatchAfterFirst200", {41, 60}},
      {"noRequestsAfterRefusal", {16}},
      {"reportedBy", {79}},
      {"capabilitiesResentWithin", {27, 28}},
      {"maxRequestsPerHour", {39}},
      {"securityEvents", {46}},
      // Not a key of the file: the agent must not stop itself unless fatalCode says it should.
      {"noFatalError", {1}},
  };
  return table;
}

}  // namespace

std::string_view requirement_title(int item) {
  const auto found = titles().find(item);
  return found == titles().end() ? std::string_view() : found->second;
}

std::vector<int> known_requirements() {
  std::set<int> items;
  for (const auto& [key, numbers] : defaults()) items.insert(numbers.begin(), numbers.end());
  return {items.begin(), items.end()};
}

std::vector<int> default_requirements(std::string_view expectation_key) {
  const auto found = defaults().find(expectation_key);
  return found == defaults().end() ? std::vector<int>{} : found->second;
}

bool is_expectation_key(std::string_view key) {
  return defaults().contains(key);
}

}  // namespace margo::sim
