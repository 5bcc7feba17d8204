#pragma once
// Takes a validated manifest in: fetches and verifies what changed and plans the runtime work.
// Walking-skeleton stage: only a desired state without deployments can be taken in so far;
// manifests with deployments are refused (and polled again) until the sync engine lands.

#include "agent/core/desired_state_handler.hpp"
#include "agent/core/lifetime.hpp"
#include "agent/core/logger.hpp"
#include "agent/ports/executor.hpp"

namespace margo {

class DesiredStateSync final : public DesiredStateHandler {
 public:
  DesiredStateSync(Executor& executor, Logger logger) : executor_(executor), logger_(std::move(logger)) {}

  void take_in(const Manifest& manifest, Callback<void> done) override;

 private:
  Executor& executor_;
  Logger logger_;
  Lifetime lifetime_;
};

}  // namespace margo
