#pragma once
// What a failed helm command means for the engine. helm reports everything as exit code 1 with
// "Error: ..." on stderr, so the meaning comes from the text; the stderr excerpt is always kept in the
// message so an operator sees helm's own words.
//
//   helm cannot be started                       runtime.unavailable (retryable)
//   "Kubernetes cluster unreachable"              runtime.unavailable (retryable)
//   process killed at its time limit, or helm's  helm.timeout (retryable)
//   own "context deadline exceeded" / "timed out waiting for the condition"
//   chart or chart version does not exist        helm.chart_not_found (permanent)
//   anything else                                helm.install_failed, helm.upgrade_failed (also for a
//                                                rollback), helm.uninstall_failed, helm.status_failed
//                                                (retryable: the engine backs off and caps attempts)

#include <string>
#include <string_view>

#include "agent/ports/error.hpp"
#include "agent/ports/process_runner.hpp"

namespace margo {

enum class HelmCommand { version, status, install, upgrade, rollback, uninstall };

// Trimmed, at most ~1000 characters (the end is kept: helm's "Error:" line comes last).
std::string stderr_excerpt(std::string_view stderr_text);

// helm said the release does not exist ("Error: release: not found", or uninstall's "Release not
// loaded: NAME: release: not found").
bool is_release_not_found(const ProcessResult& result);

// The ProcessRunner could not start helm (process.not_found, process.start_failed).
Error helm_start_error(const Error& process_error, const std::string& helm_path);

// helm ran and failed (non-zero exit, a signal, or killed at the time limit).
Error helm_failure(HelmCommand command, const std::string& release, const ProcessResult& result);

}  // namespace margo
