#include "agent/core/recurring_warning.hpp"

namespace margo {

RecurringWarning::RecurringWarning(Executor& executor, Logger log, Duration period, std::string message,
                                   std::vector<LogField> fields)
    : executor_(executor),
      log_(std::move(log)),
      period_(period),
      message_(std::move(message)),
      fields_(std::move(fields)) {
  warn_and_reschedule();
}

RecurringWarning::~RecurringWarning() {
  executor_.cancel(timer_);
}

void RecurringWarning::warn_and_reschedule() {
  log_.warn(message_, fields_);
  timer_ = executor_.schedule_after(period_, [this] { warn_and_reschedule(); });
}

}  // namespace margo
