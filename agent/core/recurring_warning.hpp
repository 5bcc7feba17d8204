#pragma once
// A warning that must not be forgotten (plain HTTP to the WFM): logged at warn level at once, then again
// every `period`, until the object goes away.

#include <string>
#include <vector>

#include "agent/core/logger.hpp"
#include "agent/ports/executor.hpp"

namespace margo {

class RecurringWarning {
 public:
  RecurringWarning(Executor& executor, Logger log, Duration period, std::string message,
                   std::vector<LogField> fields);
  ~RecurringWarning();
  RecurringWarning(const RecurringWarning&) = delete;
  RecurringWarning& operator=(const RecurringWarning&) = delete;

 private:
  void warn_and_reschedule();

  Executor& executor_;
  const Logger log_;
  const Duration period_;
  const std::string message_;
  const std::vector<LogField> fields_;
  Executor::TimerId timer_ = 0;
};

}  // namespace margo
