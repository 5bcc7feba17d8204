#pragma once
// What the poller hands a new, validated manifest to: the sync and reconcile engine.

#include "agent/core/manifest.hpp"
#include "agent/ports/result.hpp"

namespace margo {

class DesiredStateHandler {
 public:
  virtual ~DesiredStateHandler() = default;
  // Completes with success once the whole manifest has been taken in: every artifact fetched, verified
  // and its work durably planned, with the manifest's version and ETag saved as pending in the same
  // write (manifest_acceptance.hpp). An error changes nothing, so the next poll fetches it again.
  virtual void take_in(const Manifest& manifest, const std::string& etag, Callback<void> done) = 0;
};

}  // namespace margo
