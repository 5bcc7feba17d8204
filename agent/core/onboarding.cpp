#include "agent/core/onboarding.hpp"

namespace margo {
namespace {

// The WFM looked at the request and said no: a retry would be refused again.
bool is_refusal(const Error& error) {
  const int status = error.http_status;
  return status >= 400 && status < 500 && status != 408 && status != 425 && status != 429;
}

std::string refusal_advice(int status) {
  switch (status) {
    case 400:
      return "the WFM rejected the certificate or request format; check deviceRootIdentity";
    case 401:
      return "the WFM rejected the request signature; check requestSigner.keyRef and the clock";
    case 403:
      return "the WFM does not trust or has rejected this device; an operator must approve it";
    case 404:
      return "no onboarding endpoint at this address; check wfm.sbiUrl";
    case 409:
      return "the WFM says this device is already onboarded, but no clientId is stored here; restore the "
             "agent's state directory or have the operator remove the old registration";
    default:
      return "the WFM refused onboarding";
  }
}

}  // namespace

Onboarding::Onboarding(Executor& executor, Random& random, FileSystem& fs, WfmApi& wfm, PersistedState& state,
                       Logger logger, OnboardingSettings settings)
    : executor_(executor),
      fs_(fs),
      wfm_(wfm),
      state_(state),
      logger_(std::move(logger)),
      settings_(std::move(settings)),
      backoff_(settings_.retry, random) {}

void Onboarding::run(Callback<void> done) {
  done_ = std::move(done);
  if (!state_.get().client_id.empty()) {
    logger_.info("already onboarded", {{"clientId", state_.get().client_id}});
    wfm_.set_client_id(state_.get().client_id);
    executor_.post(lifetime_.guard([this] { finish({}); }));
    return;
  }
  if (settings_.fetch_root_ca) {
    auto existing = fs_.stat(settings_.root_ca_path);
    if (!existing || !existing->has_value()) {
      fetch_root_ca();
      return;
    }
  }
  onboard();
}

void Onboarding::stop() {
  stopped_ = true;
  if (retry_timer_) executor_.cancel(*retry_timer_);
  retry_timer_.reset();
}

void Onboarding::fetch_root_ca() {
  if (stopped_) return;
  logger_.info("fetching the WFM root CA");
  in_flight_ = true;
  wfm_.fetch_root_ca(lifetime_.guard([this](Result<std::string> pem) {
    in_flight_ = false;
    if (stopped_) return;
    if (!pem) {
      if (pem.error().retryable()) return retry_later(pem.error(), &Onboarding::fetch_root_ca);
      // The channel is already trusted through the configured CA; carry on with that trust.
      logger_.warn("no root CA from the WFM; keeping the configured trust",
                   {{"error", pem.error().message}, {"code", pem.error().code}});
      backoff_.reset();
      return onboard();
    }
    if (auto stored = fs_.write_file(settings_.root_ca_path, *pem, 0600); !stored) {
      return retry_later(stored.error(), &Onboarding::fetch_root_ca);
    }
    if (auto synced = fs_.fsync_file(settings_.root_ca_path); !synced) {
      return retry_later(synced.error(), &Onboarding::fetch_root_ca);
    }
    logger_.info("WFM root CA stored", {{"path", settings_.root_ca_path}});
    backoff_.reset();
    onboard();
  }));
}

void Onboarding::onboard() {
  if (stopped_) return;
  logger_.info("onboarding");
  in_flight_ = true;
  wfm_.onboard(lifetime_.guard([this](Result<std::string> client_id) {
    in_flight_ = false;
    if (stopped_) return;
    if (!client_id) {
      const Error& error = client_id.error();
      if (is_refusal(error)) {
        const std::string advice = error.http_status == 409 && answer_lost_
                                       ? "the WFM onboarded this device on an earlier attempt whose answer "
                                         "(the clientId) was lost on the "
                                         "way back; have the operator remove that registration in the WFM, "
                                         "then start the agent again"
                                       : refusal_advice(error.http_status);
        logger_.fatal(
            "onboarding refused",
            {{"status", std::to_string(error.http_status)}, {"reason", advice}, {"error", error.message}});
        Error refused = error;
        refused.message = "onboarding refused: " + advice + " (" + error.message + ")";
        return finish(refused);
      }
      if (error.http_status == 0) answer_lost_ = true;
      return retry_later(error, &Onboarding::onboard);
    }
    received_client_id_ = *client_id;
    persist_client_id();
  }));
}

void Onboarding::persist_client_id() {
  if (stopped_) return;
  AgentState next = state_.get();
  next.client_id = received_client_id_;
  if (auto committed = state_.commit(next); !committed) {
    // Never go on without the clientId on disk: a restart would onboard a second time.
    return retry_later(committed.error(), &Onboarding::persist_client_id);
  }
  wfm_.set_client_id(received_client_id_);
  logger_.info("onboarded", {{"clientId", received_client_id_}});
  finish({});
}

void Onboarding::retry_later(const Error& error, void (Onboarding::*step)()) {
  const Duration delay = backoff_.next_delay(error.retry_after);
  logger_.warn("onboarding step failed; retrying", {{"error", error.message},
                                                    {"code", error.code},
                                                    {"retryInMs", std::to_string(delay.count())},
                                                    {"attempt", std::to_string(backoff_.failures())}});
  retry_timer_ = executor_.schedule_after(delay, lifetime_.guard([this, step] {
    retry_timer_.reset();
    (this->*step)();
  }));
}

void Onboarding::finish(Status result) {
  if (!done_) return;
  auto done = std::move(done_);
  done_ = nullptr;
  done(std::move(result));
}

}  // namespace margo
