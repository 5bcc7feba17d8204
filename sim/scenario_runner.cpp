#include "sim/scenario_runner.hpp"

#include <algorithm>
#include <set>

#include "agent/core/encoding.hpp"
#include "sim/requirements.hpp"
#include "sim/timeline.hpp"

namespace margo::sim {
namespace {

ScenarioSummary summarise(DeviceWorld& world) {
  ScenarioSummary summary;
  for (const auto& exchange : world.wfm().exchanges()) {
    ++summary.wfm_requests;
    switch (exchange.route) {
      case fake::RouteClass::onboarding:
        if (exchange.method == "POST") {
          ++summary.onboarding_requests;
          summary.onboardings += exchange.status == 201 ? 1 : 0;
        }
        break;
      case fake::RouteClass::manifest:
        ++summary.polls;
        summary.not_modified += exchange.status == 304 ? 1 : 0;
        summary.failed_polls += exchange.status != 304 && exchange.status != 200 ? 1 : 0;
        break;
      case fake::RouteClass::capabilities:
        summary.capabilities_reports += exchange.status / 100 == 2 ? 1 : 0;
        break;
      default:
        break;
    }
    const auto category = fake::outcome::category(exchange.signature_outcome);
    if (category == fake::outcome::verified) ++summary.signatures_verified;
    if (category == fake::outcome::missing || category == "failed") ++summary.signatures_rejected;
  }
  summary.request_bytes = world.network().counters().request_bytes;
  summary.response_bytes = world.network().counters().response_bytes;
  summary.agent_phase = world.agent() ? std::string(to_string(world.agent()->phase())) : "not running";
  for (const auto& client : world.wfm().client_ids())
    summary.status_reports += world.wfm().status_reports(client).size();
  summary.runtime_applies = world.compose().successful_applies() + world.helm().successful_applies();
  summary.runtime_components = world.compose().installed().size() + world.helm().installed().size();
  if (world.agent() != nullptr) {
    summary.outbox = world.agent()->state().outbox.size();
    for (const auto& [id, record] : world.agent()->state().deployments)
      summary.deployments[id] = std::string(to_string(record.state));
  }
  return summary;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

}  // namespace

std::vector<std::string> received_states(DeviceWorld& world, const std::string& deployment_id) {
  std::vector<std::string> states;
  for (const auto& client : world.wfm().client_ids())
    for (const auto& report : world.wfm().status_reports(client))
      if (report.deployment_id == deployment_id && (states.empty() || states.back() != report.state))
        states.push_back(report.state);
  return states;
}

namespace {

// Collects verdicts, each tagged with the scenario's requirements for its key or the defaults.
class VerdictList {
 public:
  explicit VerdictList(const std::map<std::string, std::vector<int>>& overrides) : overrides_(overrides) {}

  void operator()(const std::string& key, bool holds, std::string evidence) {
    const auto named = overrides_.find(key);
    verdicts_.push_back(Verdict{key, named != overrides_.end() ? named->second : default_requirements(key),
                                holds, std::move(evidence)});
  }
  std::vector<Verdict> take() { return std::move(verdicts_); }

 private:
  const std::map<std::string, std::vector<int>>& overrides_;
  std::vector<Verdict> verdicts_;
};

void check_if_none_match(VerdictList& check, DeviceWorld& world) {
  std::set<std::string> served;  // manifest ETags the WFM answered a 200 with
  std::uint64_t polls = 0;
  std::string bad;
  for (const auto& exchange : world.wfm().exchanges()) {
    if (exchange.route != fake::RouteClass::manifest) continue;
    if (!served.empty()) {
      ++polls;
      const bool known = exchange.if_none_match && served.contains(*exchange.if_none_match);
      if (!known && bad.empty())
        bad = "request #" + std::to_string(exchange.sequence) + " sent " +
              (exchange.if_none_match ? "If-None-Match: " + *exchange.if_none_match : "no If-None-Match");
    }
    if (exchange.status == 200 && !exchange.etag.empty()) served.insert(exchange.etag);
  }
  check("ifNoneMatchAfterFirst200", bad.empty() && polls > 0,
        bad.empty() ? std::to_string(polls) + " polls after the first 200, each with a served ETag"
                    : bad + ", not an ETag the WFM served");
}

void check_nothing_after_refusal(VerdictList& check, DeviceWorld& world) {
  const auto& exchanges = world.wfm().exchanges();
  const auto refusal = std::find_if(exchanges.begin(), exchanges.end(), [](const fake::Exchange& exchange) {
    return exchange.route == fake::RouteClass::onboarding && exchange.method == "POST" &&
           (exchange.status == 400 || exchange.status == 403 || exchange.status == 409);
  });
  if (refusal == exchanges.end()) {
    check("noRequestsAfterRefusal", false, "no onboarding was refused");
    return;
  }
  const auto after = static_cast<std::size_t>(exchanges.end() - refusal - 1);
  check("noRequestsAfterRefusal", after == 0,
        std::to_string(after) + " requests after the onboarding answered " + std::to_string(refusal->status));
}

void check_reported_by(VerdictList& check, DeviceWorld& world, const std::string& id,
                       const std::string& state, Duration deadline) {
  std::optional<MonoTime> first;
  for (const auto& client : world.wfm().client_ids())
    for (const auto& report : world.wfm().status_reports(client))
      if (report.deployment_id == id && report.state == state && (!first || report.received_at < *first))
        first = report.received_at;
  const std::string wanted = id + " " + state + " by " + format_minutes_seconds(deadline);
  check("reportedBy", first && *first <= deadline,
        first ? wanted + ": received at " + format_minutes_seconds(*first) : wanted + ": never received");
}

void check_capabilities_resent(VerdictList& check, DeviceWorld& world, Duration within) {
  if (world.capability_changes().empty()) {
    check("capabilitiesResentWithin", false, "the scenario changed no capabilities (changeCapabilities)");
    return;
  }
  for (const MonoTime changed : world.capability_changes()) {
    std::optional<MonoTime> resent;
    for (const auto& exchange : world.wfm().exchanges())
      if (exchange.route == fake::RouteClass::capabilities && exchange.method == "PUT" &&
          exchange.status / 100 == 2 && exchange.mono_time > changed) {
        resent = exchange.mono_time;
        break;
      }
    const std::string what = "changed at " + format_minutes_seconds(changed) + ", PUT within " +
                             format_minutes_seconds(within) + ": ";
    check("capabilitiesResentWithin", resent && *resent - changed <= within,
          what + (resent ? "accepted at " + format_minutes_seconds(*resent) : "never"));
  }
}

void check_request_rate(VerdictList& check, DeviceWorld& world, const Expectations::RequestRate& rate) {
  std::uint64_t worst = 0;
  MonoTime worst_start = rate.from;
  for (MonoTime start = rate.from; start < rate.to; start += std::chrono::hours(1)) {
    const MonoTime end = std::min<MonoTime>(start + std::chrono::hours(1), rate.to);
    std::uint64_t count = 0;
    for (const auto& exchange : world.wfm().exchanges())
      count += exchange.mono_time >= start && exchange.mono_time < end ? 1 : 0;
    if (count > worst) {
      worst = count;
      worst_start = start;
    }
  }
  check("maxRequestsPerHour", worst <= rate.max,
        "at most " + std::to_string(worst) + " requests in an hour from " +
            format_minutes_seconds(worst_start) + " (between " + format_minutes_seconds(rate.from) + " and " +
            format_minutes_seconds(rate.to) + "), expected at most " + std::to_string(rate.max));
}

std::vector<Verdict> evaluate(const Expectations& expect, const ScenarioSummary& summary,
                              DeviceWorld& world) {
  VerdictList check(expect.requirements);
  const auto number = [](std::uint64_t value) { return std::to_string(value); };
  if (expect.agent_phase)
    check("agentPhase", summary.agent_phase == *expect.agent_phase,
          "agent phase is " + summary.agent_phase + ", expected " + *expect.agent_phase);
  if (expect.onboardings)
    check("onboardings", summary.onboardings == *expect.onboardings,
          number(summary.onboardings) + " onboardings, expected " + number(*expect.onboardings));
  if (expect.onboarding_requests)
    check("onboardingRequests", summary.onboarding_requests == *expect.onboarding_requests,
          number(summary.onboarding_requests) + " onboarding requests, expected " +
              number(*expect.onboarding_requests));
  if (expect.min_polls)
    check("minPolls", summary.polls >= *expect.min_polls,
          number(summary.polls) + " polls, expected at least " + number(*expect.min_polls));
  if (expect.max_polls)
    check("maxPolls", summary.polls <= *expect.max_polls,
          number(summary.polls) + " polls, expected at most " + number(*expect.max_polls));
  if (expect.min_not_modified)
    check(
        "minNotModified", summary.not_modified >= *expect.min_not_modified,
        number(summary.not_modified) + " 304 answers, expected at least " + number(*expect.min_not_modified));
  if (expect.max_failed_polls)
    check(
        "maxFailedPolls", summary.failed_polls <= *expect.max_failed_polls,
        number(summary.failed_polls) + " failed polls, expected at most " + number(*expect.max_failed_polls));
  if (expect.capabilities_reports)
    check("capabilitiesReports", summary.capabilities_reports == *expect.capabilities_reports,
          number(summary.capabilities_reports) + " capabilities reports, expected " +
              number(*expect.capabilities_reports));
  if (expect.manifest_version) {
    std::string accepted = "none";
    bool matches = false;
    if (world.agent() && world.agent()->state().manifest_version) {
      const std::uint64_t version = *world.agent()->state().manifest_version;
      accepted = number(version);
      matches = version == *expect.manifest_version;
    }
    check("manifestVersion", matches,
          "accepted manifestVersion is " + accepted + ", expected " + number(*expect.manifest_version));
  }
  if (expect.fatal_code) {
    const std::string code = world.fatal_error() ? world.fatal_error()->code : "none";
    check("fatalCode", code == *expect.fatal_code,
          "fatal error is " + code + ", expected " + *expect.fatal_code);
  } else {
    check("noFatalError", !world.fatal_error(),
          world.fatal_error() ? "the agent stopped itself: " + world.fatal_error()->message
                              : "the agent did not stop itself");
  }
  for (const auto& [id, expected] : expect.deployments) {
    const auto found = summary.deployments.find(id);
    const std::string actual = found == summary.deployments.end() ? "absent" : found->second;
    check("deployments", actual == expected, "deployment " + id + " is " + actual + ", expected " + expected);
  }
  for (const auto& [id, expected] : expect.status_sequences) {
    const auto received = received_states(world, id);
    check("statusSequence", received == expected,
          "status reports for " + id + " were [" + join(received) + "], expected [" + join(expected) + "]");
  }
  if (expect.runtime_components)
    check("runtimeComponents", summary.runtime_components == *expect.runtime_components,
          number(summary.runtime_components) + " components installed, expected " +
              number(*expect.runtime_components));
  if (!expect.quiet_windows.empty()) {
    const CommunicationWindows quiet(CommunicationPolicy{std::nullopt, expect.quiet_windows, nullptr});
    std::size_t inside = 0;
    for (const auto& exchange : world.wfm().exchanges())
      inside += quiet.in_downtime(exchange.wall_time) ? 1 : 0;
    check("quietWindows", inside == 0, number(inside) + " requests reached the WFM inside the quiet windows");
  }
  if (expect.if_none_match_after_first_200) check_if_none_match(check, world);
  if (expect.no_requests_after_refusal) check_nothing_after_refusal(check, world);
  for (const auto& [id, deadlines] : expect.reported_by)
    for (const auto& [state, deadline] : deadlines) check_reported_by(check, world, id, state, deadline);
  if (expect.capabilities_resent_within)
    check_capabilities_resent(check, world, *expect.capabilities_resent_within);
  if (expect.max_requests_per_hour) check_request_rate(check, world, *expect.max_requests_per_hour);
  for (const auto& [code, expected] : expect.security_events) {
    std::uint64_t logged = 0;
    for (const auto& record : world.log().records()) {
      bool security = false;
      bool this_code = false;
      for (const auto& field : record.fields) {
        security = security || (field.key == "event" && field.value == "security");
        this_code = this_code || (field.key == "code" && field.value == code);
      }
      logged += security && this_code ? 1 : 0;
    }
    check("securityEvents", logged == expected,
          std::to_string(logged) + " security events " + code + " logged, expected " +
              std::to_string(expected));
  }
  if (expect.max_runtime_applies)
    check("maxRuntimeApplies", summary.runtime_applies <= *expect.max_runtime_applies,
          number(summary.runtime_applies) + " runtime applies, expected at most " +
              number(*expect.max_runtime_applies));
  if (expect.outbox_empty)
    check("outboxEmpty", summary.outbox == 0,
          number(summary.outbox) + " status reports still waiting to be sent");
  if (expect.all_signatures_verified)
    check("allSignaturesVerified", summary.signatures_rejected == 0,
          number(summary.signatures_rejected) + " requests with a missing or failed signature");
  return check.take();
}

}  // namespace

ScenarioResult run_scenario(const Scenario& scenario, std::optional<std::uint64_t> seed) {
  DeviceWorldOptions options = scenario.world;
  if (seed) options.seed = *seed;
  DeviceWorld world(options);

  world.note("scenario",
             "scenario '" + scenario.name + "' starts (seed " + std::to_string(options.seed) + ")");
  world.start_agent();
  for (const auto& event : scenario.events) {
    world.executor().run_until(event.at);
    world.note("scenario", event.description);
    event.apply(world);
  }
  world.executor().run_until(scenario.duration);
  world.note("scenario", "scenario ends");

  ScenarioResult result;
  result.seed = options.seed;
  result.chart.duration = scenario.duration;
  for (const auto& event : scenario.events) result.chart.events.emplace_back(event.at, event.description);
  for (const auto& exchange : world.wfm().exchanges())
    result.chart.requests.push_back(
        {exchange.mono_time, std::string(fake::to_string(exchange.route)), exchange.status});
  result.summary = summarise(world);
  result.verdicts = evaluate(scenario.expect, result.summary, world);
  for (const auto& verdict : result.verdicts)
    if (!verdict.passed) result.failures.push_back(verdict.evidence);
  result.timeline = render_timeline(world.log().records());
  result.trace_sha256 = sha256_hex(result.timeline);
  return result;
}

}  // namespace margo::sim
