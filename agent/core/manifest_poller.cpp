#include "agent/core/manifest_poller.hpp"

#include "agent/core/encoding.hpp"
#include "agent/core/manifest.hpp"
#include "agent/core/manifest_acceptance.hpp"
#include "agent/ports/http_client.hpp"  // iequals

namespace margo {
namespace {

constexpr std::string_view kManifestType = "application/vnd.margo.manifest.v1+json";

// The media type without parameters ("; charset=utf-8"), compared case-insensitively.
bool is_manifest_media_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  return iequals(type, kManifestType);
}

}  // namespace

ManifestPoller::ManifestPoller(Executor& executor, Random& random, WfmApi& wfm, PersistedState& state,
                               DesiredStateHandler& handler, Logger logger, PollSettings settings)
    : executor_(executor),
      random_(random),
      wfm_(wfm),
      state_(state),
      handler_(handler),
      logger_(std::move(logger)),
      settings_(settings),
      backoff_(settings.retry, random) {}

void ManifestPoller::start() {
  stopped_ = false;
  schedule(Duration(0));
}

void ManifestPoller::stop() {
  stopped_ = true;
  if (timer_) executor_.cancel(*timer_);
  timer_.reset();
}

void ManifestPoller::schedule(Duration delay) {
  if (stopped_) return;
  timer_ = executor_.schedule_after(delay, lifetime_.guard([this] {
    timer_.reset();
    poll();
  }));
}

void ManifestPoller::poll() {
  if (stopped_) return;
  if (before_poll_) before_poll_();
  ++counters_.polls;
  in_flight_ = true;
  const std::string& etag = state_.get().manifest_etag;
  wfm_.fetch_manifest(
      etag.empty() ? std::nullopt : std::optional<std::string>(etag),
      lifetime_.guard([this](Result<ManifestFetch> fetched) { on_fetched(std::move(fetched)); }));
}

void ManifestPoller::on_fetched(Result<ManifestFetch> fetched) {
  if (stopped_) {
    in_flight_ = false;
    return;
  }
  if (!fetched) {
    in_flight_ = false;
    return failed(fetched.error());
  }
  if (fetched->not_modified) {
    in_flight_ = false;
    ++counters_.not_modified;
    logger_.debug("manifest unchanged");
    return succeeded();
  }
  on_manifest(std::move(fetched).value());
}

void ManifestPoller::on_manifest(ManifestFetch fetched) {
  const std::string body_digest = sha256_hex(fetched.body);
  if (!is_manifest_media_type(fetched.content_type)) {
    in_flight_ = false;
    return reject(
        permanent_error("manifest.content_type", "Content-Type '" + fetched.content_type.substr(0, 80) +
                                                     "' is not " + std::string(kManifestType)),
        body_digest);
  }
  auto manifest = parse_manifest(fetched.body);
  if (!manifest) {
    in_flight_ = false;
    return reject(manifest.error(), body_digest);
  }
  const AgentState& state = state_.get();
  // The manifest already taken in and still being applied comes back until it is accepted (the poll
  // carries the ETag of the last accepted one): nothing new.
  if (state.pending_manifest_version == manifest->version && state.pending_manifest_etag == fetched.etag) {
    in_flight_ = false;
    ++counters_.in_progress;
    logger_.debug("manifest still being applied", {{"manifestVersion", std::to_string(manifest->version)}});
    return succeeded();
  }
  if (const auto floor = rollback_floor(state); floor && manifest->version <= *floor) {
    in_flight_ = false;
    return reject(
        security_error("manifest.rollback",
                       "manifestVersion " + std::to_string(manifest->version) + " is not greater than " +
                           std::to_string(*floor) + ", the one last taken in" +
                           " (rollback refused; if the WFM was reset, an operator can run "
                           "'margo-agent reset-version')"),
        body_digest);
  }

  ++counters_.changed;
  logger_.info("new desired state", {{"manifestVersion", std::to_string(manifest->version)},
                                     {"deployments", std::to_string(manifest->deployments.size())},
                                     {"etag", fetched.etag}});
  const std::uint64_t version = manifest->version;
  handler_.take_in(*manifest, fetched.etag, lifetime_.guard([this, version](Status taken) {
    in_flight_ = false;
    if (stopped_) return;
    if (!taken) return failed(taken.error().with_context("taking in manifest " + std::to_string(version)));
    ++counters_.accepted;
    last_rejected_.clear();
    succeeded();
  }));
}

void ManifestPoller::reject(const Error& error, const std::string& body_digest) {
  ++counters_.rejected;
  // Logged once per distinct body as a security event; the same bad manifest on the next polls
  // is refused quietly, and polling goes on at the normal pace (no tight loop).
  if (body_digest != last_rejected_) {
    logger_.error("security event: manifest rejected",
                  {{"event", "security"}, {"code", error.code}, {"reason", error.message}});
    last_rejected_ = body_digest;
  } else {
    logger_.debug("same rejected manifest again", {{"code", error.code}});
  }
  succeeded();
}

void ManifestPoller::succeeded() {
  backoff_.reset();
  const double spread = settings_.jitter * (2.0 * random_.next_unit() - 1.0);
  schedule(
      Duration(static_cast<Duration::rep>(static_cast<double>(settings_.interval.count()) * (1.0 + spread))));
}

void ManifestPoller::failed(const Error& error) {
  ++counters_.failed;
  const Duration delay = backoff_.next_delay(error.retry_after);
  logger_.warn("manifest poll failed", {{"error", error.message},
                                        {"code", error.code},
                                        {"retryInMs", std::to_string(delay.count())},
                                        {"consecutiveFailures", std::to_string(backoff_.failures())}});
  schedule(delay);
}

}  // namespace margo
