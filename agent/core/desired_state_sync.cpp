#include "agent/core/desired_state_sync.hpp"

#include <algorithm>
#include <set>

#include "agent/core/application_deployment.hpp"
#include "agent/core/encoding.hpp"
#include "agent/core/manifest_acceptance.hpp"
#include "agent/core/status_report.hpp"

namespace margo {
namespace {

std::string digest_of(std::string_view bytes) {
  return "sha256:" + sha256_hex(bytes);
}

Error digest_mismatch(const std::string& what, const std::string& expected, const std::string& actual) {
  return security_error("sync.digest_mismatch",
                        what + ": the bytes hash to " + actual + ", the manifest says " + expected);
}

std::string fallback_runtime_name(const std::string& deployment_id, const std::string& component) {
  return deployment_id + "-" + component;
}

}  // namespace

DesiredStateSync::DesiredStateSync(Executor& executor, WfmApi& wfm, PersistedState& state,
                                   DeploymentStore& store, const RuntimeRegistry& runtimes, Logger logger,
                                   SyncSettings settings, std::function<void()> planned)
    : executor_(executor),
      wfm_(wfm),
      state_(state),
      store_(store),
      runtimes_(runtimes),
      logger_(std::move(logger)),
      settings_(settings),
      planned_(std::move(planned)) {}

void DesiredStateSync::take_in(const Manifest& manifest, const std::string& etag, Callback<void> done) {
  cycle_.emplace();
  cycle_->manifest = manifest;
  cycle_->etag = etag;
  cycle_->done = std::move(done);
  const auto& known = state_.get().deployments;
  for (const auto& ref : manifest.deployments) {
    const auto found = known.find(ref.deployment_id);
    if (found == known.end() || found->second.desired_digest != ref.digest) cycle_->changed.push_back(ref);
  }
  if (cycle_->changed.empty()) {
    executor_.post(lifetime_.guard([this] { commit_plan(); }));
    return;
  }
  const bool first_sync = known.empty();
  if (manifest.bundle && (first_sync || cycle_->changed.size() >= settings_.bundle_threshold)) {
    fetch_bundle();
  } else {
    fetch_next_yaml();
  }
}

void DesiredStateSync::fetch_bundle() {
  const BundleRef bundle = *cycle_->manifest.bundle;
  logger_.info("fetching the bundle",
               {{"digest", bundle.digest}, {"changed", std::to_string(cycle_->changed.size())}});
  wfm_.fetch_artifact(
      bundle.url, settings_.max_bundle_bytes, lifetime_.guard([this, bundle](Result<std::string> bytes) {
        if (!bytes) return finish(bytes.error().with_context("bundle " + bundle.digest));
        const std::string actual = digest_of(*bytes);
        if (actual != bundle.digest) return finish(digest_mismatch("bundle", bundle.digest, actual));
        auto entries = extract_bundle(*bytes, settings_.bundle_limits);
        if (!entries) return finish(entries.error());

        std::set<std::string> listed;
        for (const auto& ref : cycle_->manifest.deployments) listed.insert(ref.digest);
        std::map<std::string, const std::string*> by_digest;
        for (const auto& entry : *entries) {
          const std::string entry_digest = digest_of(entry.content);
          // File names inside the bundle are unspecified: a file is matched by the digest of its bytes.
          if (!listed.count(entry_digest))
            return finish(
                security_error("sync.bundle_mismatch",
                               "bundle file '" + entry.name + "' is not any deployment the manifest lists"));
          by_digest[entry_digest] = &entry.content;
        }
        // Exactly the manifest's deployments (checklist 64), the unchanged ones too.
        for (const auto& ref : cycle_->manifest.deployments)
          if (!by_digest.count(ref.digest))
            return finish(
                security_error("sync.bundle_mismatch",
                               "the bundle lacks deployment " + ref.deployment_id + " (" + ref.digest + ")"));
        for (const auto& ref : cycle_->changed) cycle_->yamls[ref.deployment_id] = *by_digest.at(ref.digest);
        commit_plan();
      }));
}

void DesiredStateSync::fetch_next_yaml() {
  if (cycle_->next_fetch == cycle_->changed.size()) return commit_plan();
  const DeploymentRef ref = cycle_->changed[cycle_->next_fetch];
  wfm_.fetch_artifact(
      ref.url, settings_.max_yaml_bytes, lifetime_.guard([this, ref](Result<std::string> bytes) {
        if (!bytes) return finish(bytes.error().with_context("deployment " + ref.deployment_id));
        const std::string actual = digest_of(*bytes);
        if (actual != ref.digest)
          return finish(digest_mismatch("deployment " + ref.deployment_id, ref.digest, actual));
        cycle_->yamls[ref.deployment_id] = std::move(bytes).value();
        ++cycle_->next_fetch;
        fetch_next_yaml();
      }));
}

void DesiredStateSync::plan_changed(AgentState& next, const DeploymentRef& ref, const std::string& yaml) {
  DeploymentRecord& record = next.deployments[ref.deployment_id];
  const std::vector<ComponentRecord> previous = record.components;
  record.id = ref.deployment_id;
  record.desired_digest = ref.digest;
  record.attempts = 0;
  record.blocked = false;
  record.error.reset();

  auto parsed = parse_application_deployment(yaml, ref.deployment_id);
  if (!parsed) {
    logger_.error("deployment refused",
                  {{"deploymentId", ref.deployment_id}, {"error", parsed.error().message}});
    record.error = StatusError{parsed.error().code, parsed.error().message,
                               record.name.empty() ? record.id : record.name};
    record.blocked = true;
    record.state = DeploymentState::failed;
    queue_status_report(next, record);
    return;
  }
  record.name = parsed->name;
  record.namespace_name = parsed->namespace_name;
  record.profile_type = parsed->profile_type;
  const WorkloadRuntime* runtime = runtimes_.find(parsed->profile_type);

  std::vector<ComponentRecord> planned;
  for (const auto& component : parsed->components) {
    const auto kept = std::find_if(previous.begin(), previous.end(),
                                   [&](const ComponentRecord& c) { return c.name == component.name; });
    std::string runtime_name = kept != previous.end() ? kept->runtime_name
                               : runtime != nullptr
                                   ? runtime->runtime_name(record.id, record.name, component.name)
                                   : fallback_runtime_name(record.id, component.name);
    planned.push_back({component.name, std::move(runtime_name), DeploymentState::pending, std::nullopt});
  }
  // Components of the old revision that the new one drops: removed once the new one is in.
  for (const auto& old : previous) {
    const bool kept =
        std::any_of(planned.begin(), planned.end(), [&](const auto& c) { return c.name == old.name; });
    if (!kept && old.state != DeploymentState::pending) record.retired.push_back(old);
  }
  record.components = std::move(planned);
  record.state = DeploymentState::pending;
  queue_status_report(next, record);
}

void DesiredStateSync::commit_plan() {
  AgentState next = state_.get();
  for (const auto& ref : cycle_->changed) {
    const std::string& yaml = cycle_->yamls[ref.deployment_id];
    if (auto stored = store_.store(ref.deployment_id, ref.digest, yaml); !stored)
      return finish(stored.error());
    plan_changed(next, ref, yaml);
  }
  std::size_t removals = 0;
  for (auto& [id, record] : next.deployments) {
    const bool listed =
        std::any_of(cycle_->manifest.deployments.begin(), cycle_->manifest.deployments.end(),
                    [&, id = id](const DeploymentRef& ref) { return ref.deployment_id == id; });
    if (!listed && record.desired_digest) {
      record.desired_digest.reset();
      record.blocked = false;
      record.attempts = 0;
      ++removals;
    }
  }
  // The manifest is pending until its desired state is reached; one with nothing to do is accepted at once.
  next.pending_manifest_version = cycle_->manifest.version;
  next.pending_manifest_etag = cycle_->etag;
  const auto accepted = accept_pending_manifest(next);
  if (auto committed = state_.commit(std::move(next)); !committed) return finish(committed.error());
  if (!cycle_->changed.empty() || removals > 0)
    logger_.info("desired state planned", {{"manifestVersion", std::to_string(cycle_->manifest.version)},
                                           {"changed", std::to_string(cycle_->changed.size())},
                                           {"removed", std::to_string(removals)}});
  if (accepted) logger_.info("desired state accepted", {{"manifestVersion", std::to_string(*accepted)}});
  finish({});
  if (planned_) planned_();
}

void DesiredStateSync::finish(Status result) {
  if (!result && result.error().error_class == ErrorClass::security) {
    // Tampered or hostile content: a security event, logged once per distinct problem.
    if (result.error().message != last_security_event_) {
      logger_.error(
          "security event: desired state refused; nothing changed",
          {{"event", "security"}, {"code", result.error().code}, {"reason", result.error().message}});
      last_security_event_ = result.error().message;
    }
  } else if (!result) {
    logger_.warn("sync cycle aborted; nothing changed", {{"error", result.error().message}});
  } else {
    last_security_event_.clear();
  }
  auto done = std::move(cycle_->done);
  cycle_.reset();
  done(std::move(result));
}

}  // namespace margo
