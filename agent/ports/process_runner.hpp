#pragma once
// Child processes (docker compose, helm). Only the real runtime adapters use it.

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "agent/ports/executor.hpp"
#include "agent/ports/result.hpp"

namespace margo {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is the program: a path, or a name looked up in PATH
  // The child's whole environment: nothing of the agent's own environment leaks in.
  std::map<std::string, std::string> environment;
  std::string working_directory;  // empty: the agent's
  std::string stdin_data;
  Duration timeout = std::chrono::minutes(5);      // then SIGTERM, and SIGKILL after a grace period
  std::size_t max_output_bytes = 4 * 1024 * 1024;  // per stream; the rest is discarded
};

struct ProcessResult {
  int exit_code = -1;      // -1 when killed by a signal
  int signal = 0;          // the signal that ended it, 0 when it exited
  bool timed_out = false;  // it was killed because it ran past the timeout
  bool output_truncated = false;
  std::string stdout_data;
  std::string stderr_data;
};

// Errors (no ProcessResult): process.not_found, process.start_failed. A process that ran and failed
// is a successful call with a non-zero exit_code.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual void run(ProcessSpec spec, Callback<ProcessResult> done) = 0;
};

}  // namespace margo
