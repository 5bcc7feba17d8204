#pragma once
// What the poller hands a new, validated manifest to: the sync and reconcile engine.

#include "agent/core/manifest.hpp"
#include "agent/ports/result.hpp"

namespace margo {

class DesiredStateHandler {
 public:
  virtual ~DesiredStateHandler() = default;
  // Completes with success once the whole manifest has been taken in (every artifact fetched,
  // verified and its work durably planned); only then does the poller persist its version and ETag.
  // An error leaves the accepted version and ETag as they were, so the next poll fetches it again.
  virtual void take_in(const Manifest& manifest, Callback<void> done) = 0;
};

}  // namespace margo
