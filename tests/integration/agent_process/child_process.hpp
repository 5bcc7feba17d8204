#pragma once
// A child process for integration tests: started with its output redirected to files, signalled,
// waited for with a timeout, and killed if a test leaves it behind.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace margo::test {

// Where and with what a child starts, beyond the test's own working directory and environment.
struct ChildSetup {
  std::string working_directory;                                 // empty: the test's
  std::vector<std::pair<std::string, std::string>> environment;  // set on top of the test's
};

class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& stdout_path,
               const std::string& stderr_path, const ChildSetup& setup = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void signal(int signal_number) const;
  // The exit code (128 + signal when killed by one), or -1 when it is still running after the timeout.
  int wait(std::chrono::milliseconds timeout);
  bool running();
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
  int exit_code_ = -1;
  bool reaped_ = false;
};

std::string read_text_file(const std::string& path);
// Polls the file until it contains `needle` or the timeout passes; returns whether it appeared.
bool wait_for_text(const std::string& path, const std::string& needle, std::chrono::milliseconds timeout);

}  // namespace margo::test
