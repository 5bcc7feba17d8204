#pragma once
// Callbacks and timers may complete after their owner is gone (the simulator kills and restarts the
// agent mid-flight; production drops late completions at shutdown). An object holds a Lifetime as
// its last member and wraps every callback it hands out with guard(): once the owner is destroyed,
// the wrapped callback does nothing.

#include <memory>
#include <utility>

namespace margo {

class Lifetime {
 public:
  Lifetime() : token_(std::make_shared<char>()) {}
  Lifetime(const Lifetime&) = delete;
  Lifetime& operator=(const Lifetime&) = delete;

  template <typename Function>
  auto guard(Function function) const {
    return [alive = std::weak_ptr<char>(token_), function = std::move(function)](auto&&... args) mutable {
      if (alive.expired()) return;
      function(std::forward<decltype(args)>(args)...);
    };
  }

 private:
  std::shared_ptr<char> token_;
};

}  // namespace margo
