#include "agent/core/windowed_wfm.hpp"

namespace margo {
namespace {

Error window_closed() {
  return retryable_error("wfm.window_closed",
                         "the agent stopped while the call waited for a communication window");
}

}  // namespace

WindowedWfm::WindowedWfm(Executor& executor, Random& random, WfmApi& inner, CommunicationWindows windows,
                         Logger logger, Duration spread)
    : executor_(executor),
      random_(random),
      inner_(inner),
      windows_(std::move(windows)),
      logger_(std::move(logger)),
      spread_(spread) {}

template <typename T>
void WindowedWfm::when_open(std::function<void(Callback<T>)> call, Callback<T> done,
                            bool repeat_after_downtime) {
  if (stopped_) {
    executor_.post([done = std::move(done)] { done(window_closed()); });
    return;
  }
  if (const Duration wait = windows_.until_open(executor_.wall_now()); wait > Duration::zero())
    return hold(wait, std::move(call), std::move(done), repeat_after_downtime);
  call(lifetime_.guard([this, call, done = std::move(done), repeat_after_downtime](Result<T> result) mutable {
    if (!result && result.error().retryable() && windows_.in_downtime(executor_.wall_now())) {
      if (repeat_after_downtime) {
        logger_.debug("communication error during a downtime ignored; the call goes again after it",
                      {{"error", result.error().code}});
        return when_open(std::move(call), std::move(done), true);
      }
      return hold<T>(
          windows_.until_open(executor_.wall_now()), [result](Callback<T> deliver) { deliver(result); },
          std::move(done), false);
    }
    done(std::move(result));
  }));
}

template <typename T>
void WindowedWfm::hold(Duration wait, std::function<void(Callback<T>)> call, Callback<T> done,
                       bool repeat_after_downtime) {
  if (held_.empty())
    logger_.info("outside the communication windows: WFM calls wait",
                 {{"resumeInSeconds", std::to_string(wait.count() / 1000)}});
  const auto spread =
      Duration(static_cast<Duration::rep>(random_.next_unit() * static_cast<double>(spread_.count())));
  auto failing = std::make_shared<Callback<T>>(std::move(done));
  const std::uint64_t key = next_hold_++;
  const Executor::TimerId timer = executor_.schedule_after(
      wait + spread,
      lifetime_.guard([this, key, call = std::move(call), failing, repeat_after_downtime]() mutable {
        held_.erase(key);
        when_open(std::move(call), std::move(*failing), repeat_after_downtime);
      }));
  held_[key] = Held{timer, [failing] {
                      if (*failing) (*failing)(window_closed());
                    }};
}

void WindowedWfm::stop() {
  stopped_ = true;
  auto held = std::move(held_);
  held_.clear();
  for (auto& [key, waiting] : held) {
    executor_.cancel(waiting.timer);
    executor_.post(std::move(waiting.fail));
  }
}

void WindowedWfm::fetch_root_ca(Callback<std::string> done) {
  when_open<std::string>([this](Callback<std::string> d) { inner_.fetch_root_ca(std::move(d)); },
                         std::move(done), true);
}

void WindowedWfm::onboard(Callback<std::string> done) {
  when_open<std::string>([this](Callback<std::string> d) { inner_.onboard(std::move(d)); }, std::move(done),
                         false);
}

void WindowedWfm::report_capabilities(bool first_report, const std::string& manifest_json,
                                      Callback<void> done) {
  when_open<void>(
      [this, first_report, manifest_json](Callback<void> d) {
        inner_.report_capabilities(first_report, manifest_json, std::move(d));
      },
      std::move(done), true);
}

void WindowedWfm::fetch_manifest(const std::optional<std::string>& etag, Callback<ManifestFetch> done) {
  when_open<ManifestFetch>(
      [this, etag](Callback<ManifestFetch> d) { inner_.fetch_manifest(etag, std::move(d)); }, std::move(done),
      true);
}

void WindowedWfm::fetch_artifact(const std::string& url, std::size_t max_bytes, Callback<std::string> done) {
  when_open<std::string>(
      [this, url, max_bytes](Callback<std::string> d) {
        inner_.fetch_artifact(url, max_bytes, std::move(d));
      },
      std::move(done), true);
}

void WindowedWfm::post_status(const std::string& deployment_id, const std::string& status_json,
                              Callback<void> done) {
  when_open<void>([this, deployment_id, status_json](
                      Callback<void> d) { inner_.post_status(deployment_id, status_json, std::move(d)); },
                  std::move(done), true);
}

}  // namespace margo
