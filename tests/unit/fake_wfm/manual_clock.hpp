#pragma once
// An executor whose clocks the test sets by hand. The fake WFM only reads time, so tasks are kept but
// never run.

#include <vector>

#include "agent/ports/executor.hpp"

namespace margo::testing {

class ManualClock final : public Executor {
 public:
  explicit ManualClock(std::int64_t unix_seconds) : wall_(std::chrono::seconds(unix_seconds)) {}

  MonoTime now() const override { return mono_; }
  WallTime wall_now() const override { return wall_; }
  void post(Task task) override { tasks_.push_back(std::move(task)); }
  TimerId schedule_after(Duration, Task task) override {
    tasks_.push_back(std::move(task));
    return tasks_.size();
  }
  bool cancel(TimerId) override { return false; }

  void advance(Duration by) {
    mono_ += by;
    wall_ += by;
  }

 private:
  MonoTime mono_{0};
  WallTime wall_;
  std::vector<Task> tasks_;
};

}  // namespace margo::testing
