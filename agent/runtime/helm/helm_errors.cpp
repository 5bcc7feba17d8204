#include "agent/runtime/helm/helm_errors.hpp"

#include <algorithm>
#include <cctype>

namespace margo {
namespace {

constexpr std::size_t kExcerptLimit = 1000;

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// helm's messages for a chart reference or version that does not exist: OCI tag resolution, the
// registry's 404, and a classic repository's index lookup. Lowercased.
bool is_chart_not_found(const std::string& text) {
  return contains(text, "could not locate a version matching provided version string") ||
         contains(text, "unable to locate any tags in provided repository") ||
         contains(text, "response status code 404") || contains(text, "manifest unknown") ||
         (contains(text, "not found in ") && contains(text, " repository")) ||
         (contains(text, "chart \"") && contains(text, "\" not found"));
}

const char* verb(HelmCommand command) {
  switch (command) {
    case HelmCommand::version:
      return "version";
    case HelmCommand::status:
      return "status";
    case HelmCommand::install:
      return "install";
    case HelmCommand::upgrade:
      return "upgrade";
    case HelmCommand::rollback:
      return "rollback";
    case HelmCommand::uninstall:
      return "uninstall";
  }
  return "?";
}

std::string failure_code(HelmCommand command) {
  switch (command) {
    case HelmCommand::version:
      return "runtime.unavailable";
    case HelmCommand::status:
      return "helm.status_failed";
    case HelmCommand::install:
      return "helm.install_failed";
    case HelmCommand::upgrade:
    case HelmCommand::rollback:
      return "helm.upgrade_failed";
    case HelmCommand::uninstall:
      return "helm.uninstall_failed";
  }
  return "helm.failed";
}

}  // namespace

std::string stderr_excerpt(std::string_view text) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  const auto begin = std::find_if(text.begin(), text.end(), not_space);
  const auto end = std::find_if(text.rbegin(), text.rend(), not_space).base();
  if (begin >= end) return "(nothing on stderr)";
  std::string_view trimmed(&*begin, static_cast<std::size_t>(end - begin));
  if (trimmed.size() <= kExcerptLimit) return std::string(trimmed);
  return "..." + std::string(trimmed.substr(trimmed.size() - kExcerptLimit));
}

bool is_release_not_found(const ProcessResult& result) {
  return result.exit_code != 0 && result.signal == 0 && !result.timed_out &&
         contains(result.stderr_data, "release: not found");
}

Error helm_start_error(const Error& process_error, const std::string& helm_path) {
  const std::string what =
      process_error.code == "process.not_found" ? "helm CLI not found" : "cannot start helm";
  return retryable_error("runtime.unavailable", what + " (" + helm_path + "): " + process_error.message);
}

Error helm_failure(HelmCommand command, const std::string& release, const ProcessResult& result) {
  const std::string subject =
      "helm " + std::string(verb(command)) + (release.empty() ? std::string() : " of release " + release);
  const std::string said = stderr_excerpt(result.stderr_data);
  if (result.timed_out)
    return retryable_error("helm.timeout", subject + " ran past its time limit and was stopped: " + said);
  if (result.signal != 0)
    return retryable_error(failure_code(command),
                           subject + " was killed by signal " + std::to_string(result.signal) + ": " + said);
  const std::string text = lowercase(result.stderr_data);
  const std::string exit = " (exit " + std::to_string(result.exit_code) + "): ";
  if (contains(text, "kubernetes cluster unreachable"))
    return retryable_error("runtime.unavailable", subject + ": Kubernetes cluster unreachable" + exit + said);
  if (contains(text, "context deadline exceeded") || contains(text, "timed out waiting for the condition"))
    return retryable_error("helm.timeout", subject + " timed out" + exit + said);
  if ((command == HelmCommand::install || command == HelmCommand::upgrade) && is_chart_not_found(text))
    return permanent_error("helm.chart_not_found", subject + ": chart not found" + exit + said);
  return retryable_error(failure_code(command), subject + " failed" + exit + said);
}

}  // namespace margo
