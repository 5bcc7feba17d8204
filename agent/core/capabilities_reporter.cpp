#include "agent/core/capabilities_reporter.hpp"

#include <nlohmann/json.hpp>

#include "agent/core/encoding.hpp"

namespace margo {
namespace {

constexpr std::size_t kMaxCapabilitiesBytes = 1024 * 1024;

}  // namespace

CapabilitiesReporter::CapabilitiesReporter(Executor& executor, Random& random, FileSystem& fs, WfmApi& wfm,
                                           PersistedState& state, Logger logger, std::string path,
                                           BackoffPolicy retry)
    : executor_(executor),
      fs_(fs),
      wfm_(wfm),
      state_(state),
      logger_(std::move(logger)),
      path_(std::move(path)),
      backoff_(retry, random) {}

void CapabilitiesReporter::check(std::function<void()> settled) {
  if (settled) settled_ = std::move(settled);
  if (stopped_ || in_flight_ || retry_timer_) return;

  auto info = fs_.stat(path_);
  if (!info || !info->has_value()) {
    if (!missing_reported_) {
      logger_.error("capabilities file unreadable; not reported",
                    {{"path", path_}, {"error", info ? "file not found" : info.error().message}});
      missing_reported_ = true;
    }
    seen_.reset();
    return settle();
  }
  missing_reported_ = false;
  const FileVersion version{(*info)->size, (*info)->modified_ns};
  if (seen_ == version) return;
  seen_ = version;

  auto content = fs_.read_file(path_, kMaxCapabilitiesBytes);
  if (!content) {
    logger_.error("capabilities file unreadable; not reported",
                  {{"path", path_}, {"error", content.error().message}});
    return settle();
  }
  const std::string digest = sha256_hex(*content);
  if (state_.get().capabilities_reported && digest == state_.get().capabilities_sha256) return settle();
  if (digest == refused_digest_) return settle();
  const auto json = nlohmann::json::parse(*content, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    logger_.error("capabilities file is not a JSON object; not reported", {{"path", path_}});
    refused_digest_ = digest;
    return settle();
  }
  send(std::move(content).value(), digest);
}

void CapabilitiesReporter::stop() {
  stopped_ = true;
  if (retry_timer_) executor_.cancel(*retry_timer_);
  retry_timer_.reset();
}

void CapabilitiesReporter::send(std::string content, std::string digest) {
  const bool first_report = !state_.get().capabilities_reported;
  in_flight_ = true;
  ++reports_sent_;
  logger_.info(first_report ? "reporting capabilities" : "capabilities changed; reporting again",
               {{"sha256", digest}});
  wfm_.report_capabilities(first_report, content, lifetime_.guard([this, content, digest](Status result) {
    in_flight_ = false;
    if (stopped_) return;
    if (!result) {
      const Error& error = result.error();
      if (error.retryable() || error.error_class == ErrorClass::security) return schedule_retry(error);
      logger_.error("capabilities refused by the WFM; waiting for the file to change",
                    {{"error", error.message}, {"code", error.code}});
      refused_digest_ = digest;
      return settle();
    }
    AgentState next = state_.get();
    next.capabilities_reported = true;
    next.capabilities_sha256 = digest;
    if (auto committed = state_.commit(next); !committed) return schedule_retry(committed.error());
    backoff_.reset();
    refused_digest_.clear();
    logger_.info("capabilities reported", {{"sha256", digest}});
    settle();
  }));
}

void CapabilitiesReporter::schedule_retry(const Error& error) {
  const Duration delay = backoff_.next_delay(error.retry_after);
  logger_.warn(
      "capabilities report failed; retrying",
      {{"error", error.message}, {"code", error.code}, {"retryInMs", std::to_string(delay.count())}});
  seen_.reset();  // read the file again on retry: it may have changed meanwhile
  retry_timer_ = executor_.schedule_after(delay, lifetime_.guard([this] {
    retry_timer_.reset();
    check();
  }));
}

void CapabilitiesReporter::settle() {
  if (!settled_) return;
  auto settled = std::move(settled_);
  settled_ = nullptr;
  settled();
}

}  // namespace margo
