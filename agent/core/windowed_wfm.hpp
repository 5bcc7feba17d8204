#pragma once
// The WFM as the core talks to it, kept to the communication windows (communication_windows.hpp):
// every call made while they are closed waits until they open, spread by a random delay so a fleet
// does not call at the same second; a call that fails because a downtime began while it was in flight
// is made again when the downtime ends, its error ignored (checklist 5). Onboarding is not repeated
// (a second onboarding could be refused); its error arrives once the window opens. One place, so the
// poller, the status and capability reporters and onboarding all honour the windows.

#include <functional>
#include <map>

#include "agent/core/communication_windows.hpp"
#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/ports/executor.hpp"
#include "agent/ports/random.hpp"
#include "agent/ports/wfm_api.hpp"

namespace margo {

class WindowedWfm final : public WfmApi {
 public:
  // `spread`: calls released when a window opens go out within this long of it.
  WindowedWfm(Executor& executor, Random& random, WfmApi& inner, CommunicationWindows windows, Logger logger,
              Duration spread);

  void set_client_id(const std::string& client_id) override { inner_.set_client_id(client_id); }
  void fetch_root_ca(Callback<std::string> done) override;
  void onboard(Callback<std::string> done) override;
  void report_capabilities(bool first_report, const std::string& manifest_json, Callback<void> done) override;
  void fetch_manifest(const std::optional<std::string>& etag, Callback<ManifestFetch> done) override;
  void fetch_artifact(const std::string& url, std::size_t max_bytes, Callback<std::string> done) override;
  void post_status(const std::string& deployment_id, const std::string& status_json,
                   Callback<void> done) override;

  // Calls still waiting for a window fail with wfm.window_closed; later ones too.
  void stop();

 private:
  template <typename T>
  void when_open(std::function<void(Callback<T>)> call, Callback<T> done, bool repeat_after_downtime);
  template <typename T>
  void hold(Duration wait, std::function<void(Callback<T>)> call, Callback<T> done,
            bool repeat_after_downtime);

  Executor& executor_;
  Random& random_;
  WfmApi& inner_;
  const CommunicationWindows windows_;
  Logger logger_;
  const Duration spread_;
  // Waiting calls: the timer that releases each, and what fails it at stop().
  struct Held {
    Executor::TimerId timer;
    std::function<void()> fail;
  };
  std::map<std::uint64_t, Held> held_;
  std::uint64_t next_hold_ = 0;
  bool stopped_ = false;
  Lifetime lifetime_;
};

}  // namespace margo
