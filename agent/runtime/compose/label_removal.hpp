#pragma once
// Removes a compose project by its label (com.docker.compose.project=PROJECT) when its compose file
// is gone (a crash between `down` and deleting the folder, a folder deleted by hand) or unusable:
// containers (forced), then networks, then, when asked, volumes. Removing nothing succeeds.

#include <string>

#include "agent/runtime/compose/compose_engine.hpp"

namespace margo {

// Errors: runtime.unavailable, or compose.remove_failed (retryable) with the CLI's stderr.
void remove_by_label(ComposeEngine& engine, const std::string& project, bool remove_volumes,
                     Callback<void> done);

}  // namespace margo
