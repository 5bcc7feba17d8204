#pragma once
// The production event loop on a thread of its own, and a way for a test to start an asynchronous
// port call from a task on that loop and wait for its completion.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "agent/adapters/event_loop.hpp"
#include "agent/ports/result.hpp"

namespace margo::testing {

template <typename T>
struct CallOutcome {
  std::optional<Result<T>> result;  // empty when nothing arrived in time
  bool completed_inline = false;    // the completion ran before the starting call returned
  int completions = 0;
};

class LoopThread {
 public:
  LoopThread() : thread_([this] { loop_.run(); }) {}
  ~LoopThread() {
    loop_.stop();
    thread_.join();
  }
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  EventLoop& loop() { return loop_; }

  // Runs start(callback) as a task on the loop and waits up to `limit` for the callback.
  template <typename T>
  CallOutcome<T> call(std::function<void(Callback<T>)> start,
                      std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    struct State {
      std::mutex mutex;
      std::condition_variable arrived;
      CallOutcome<T> outcome;
      bool returned = false;
    };
    auto state = std::make_shared<State>();
    loop_.post([state, start = std::move(start)] {
      start([state](Result<T> result) {
        std::lock_guard lock(state->mutex);
        ++state->outcome.completions;
        if (!state->outcome.result) {
          state->outcome.result = std::move(result);
          state->outcome.completed_inline = !state->returned;
        }
        state->arrived.notify_all();
      });
      std::lock_guard lock(state->mutex);
      state->returned = true;
    });
    std::unique_lock lock(state->mutex);
    state->arrived.wait_for(lock, limit, [&] { return state->outcome.result.has_value(); });
    return state->outcome;
  }

 private:
  EventLoop loop_;
  std::thread thread_;
};

}  // namespace margo::testing
