#include "agent/core/status_reporter.hpp"

#include "agent/core/status_report.hpp"

namespace margo {
namespace {

// Answers that say the report itself is wrong, so sending it again can never succeed. Any other answer
// (404 or 409 from a proxy or a WFM that restarts, 401/403 while credentials are sorted out, 5xx) may
// change: the report waits and goes again.
bool is_final_refusal(const Error& error) {
  const int status = error.http_status;
  return status == 400 || status == 413 || status == 422;
}

}  // namespace

StatusReporter::StatusReporter(Executor& executor, Random& random, WfmApi& wfm, PersistedState& state,
                               Logger logger, BackoffPolicy retry)
    : executor_(executor), wfm_(wfm), state_(state), logger_(std::move(logger)), backoff_(retry, random) {}

void StatusReporter::kick() {
  if (stopped_ || in_flight_) return;
  // Waiting out a failure: new reports replace the older ones of their deployment at once.
  if (retry_timer_) return coalesce();
  if (state_.get().outbox.empty()) return;
  send_head();
}

void StatusReporter::coalesce() {
  AgentState next = state_.get();
  if (!coalesce_outbox(next)) return;
  const std::size_t before = state_.get().outbox.size();
  if (auto committed = state_.commit(std::move(next)); !committed) {
    logger_.warn("cannot save the coalesced outbox", {{"error", committed.error().message}});
    return;
  }
  logger_.debug("status reports coalesced while the WFM is unreachable",
                {{"before", std::to_string(before)}, {"after", std::to_string(state_.get().outbox.size())}});
}

void StatusReporter::stop() {
  stopped_ = true;
  if (retry_timer_) executor_.cancel(*retry_timer_);
  retry_timer_.reset();
}

void StatusReporter::send_head() {
  const OutboxEntry entry = state_.get().outbox.front();
  in_flight_ = true;
  wfm_.post_status(entry.deployment_id, entry.body, lifetime_.guard([this, entry](Status result) {
    in_flight_ = false;
    if (stopped_) return;
    if (result) return delivered(entry.sequence, false);
    const Error& error = result.error();
    if (is_final_refusal(error)) {
      logger_.error("status report refused by the WFM; dropped",
                    {{"deploymentId", entry.deployment_id},
                     {"sequence", std::to_string(entry.sequence)},
                     {"error", error.message}});
      return delivered(entry.sequence, true);
    }
    ++counters_.failures;
    coalesce();
    const Duration delay = backoff_.next_delay(error.retry_after);
    logger_.warn("status report not delivered; retrying",
                 {{"deploymentId", entry.deployment_id},
                  {"queued", std::to_string(state_.get().outbox.size())},
                  {"error", error.message},
                  {"retryInMs", std::to_string(delay.count())}});
    retry_timer_ = executor_.schedule_after(delay, lifetime_.guard([this] {
      retry_timer_.reset();
      kick();
    }));
  }));
}

void StatusReporter::delivered(std::uint64_t sequence, bool refused) {
  AgentState next = state_.get();
  if (!next.outbox.empty() && next.outbox.front().sequence == sequence)
    next.outbox.erase(next.outbox.begin());
  if (auto committed = state_.commit(std::move(next)); !committed) {
    // Sent but not forgotten: it goes out once more later, which the WFM takes as an update.
    logger_.error("cannot save the outbox", {{"error", committed.error().message}});
    retry_timer_ = executor_.schedule_after(backoff_.next_delay(), lifetime_.guard([this] {
      retry_timer_.reset();
      kick();
    }));
    return;
  }
  ++(refused ? counters_.refused : counters_.delivered);
  backoff_.reset();
  kick();
}

}  // namespace margo
