#pragma once
// Runs a program as a child process with its stdout on a pipe, for tests of the built binaries.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace margo::testing {

class ChildProcess {
 public:
  // argv[0] is the program path. Throws std::runtime_error when it cannot start.
  explicit ChildProcess(const std::vector<std::string>& argv);
  // Kills and reaps the child if it still runs.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The next stdout line (without "\n"), or nullopt on end of output or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Everything still to come on stdout until the child closes it, or the timeout.
  std::string read_rest(std::chrono::milliseconds timeout);
  void send_signal(int signal) const;
  // The exit status as waitpid reports it, or nullopt when it did not end in time.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string buffer_;
  bool reaped_ = false;
};

}  // namespace margo::testing
