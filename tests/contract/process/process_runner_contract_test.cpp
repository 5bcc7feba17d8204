// The ProcessRunner contract against the real runner (real children, real time; generous limits).

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "agent/adapters/spawn_process_runner.hpp"
#include "tests/contract/http/loop_thread.hpp"

using namespace margo;
using margo::testing::CallOutcome;
using margo::testing::LoopThread;

namespace {

struct RunnerRig {
  CallOutcome<ProcessResult> run(ProcessSpec spec) {
    return loop.call<ProcessResult>([this, spec](Callback<ProcessResult> done) { runner.run(spec, done); });
  }

  LoopThread loop;
  WorkerPool workers{2};
  SpawnProcessRunner runner{loop.loop(), workers};
};

ProcessSpec shell(const std::string& script) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.timeout = std::chrono::seconds(60);
  return spec;
}

ProcessResult require_ran(const CallOutcome<ProcessResult>& outcome) {
  REQUIRE(outcome.result.has_value());
  if (!outcome.result->ok()) FAIL(outcome.result->error().code << ": " << outcome.result->error().message);
  return outcome.result->value();
}

Error require_error(const CallOutcome<ProcessResult>& outcome) {
  REQUIRE(outcome.result.has_value());
  REQUIRE_FALSE(outcome.result->ok());
  return outcome.result->error();
}

}  // namespace

TEST_CASE("stdout and stderr are collected separately", "[process]") {
  RunnerRig rig;
  const auto outcome = rig.run(shell("echo out-1; echo err-1 >&2; echo out-2; echo err-2 >&2"));
  const ProcessResult result = require_ran(outcome);
  CHECK(result.stdout_data == "out-1\nout-2\n");
  CHECK(result.stderr_data == "err-1\nerr-2\n");
  CHECK(result.exit_code == 0);
  CHECK(result.signal == 0);
  CHECK_FALSE(result.timed_out);
  CHECK_FALSE(result.output_truncated);
  CHECK_FALSE(outcome.completed_inline);
}

TEST_CASE("exit codes are reported as a successful call", "[process]") {
  RunnerRig rig;
  const int code = GENERATE(0, 1, 3, 125, 255);
  const ProcessResult result = require_ran(rig.run(shell("exit " + std::to_string(code))));
  CHECK(result.exit_code == code);
  CHECK(result.signal == 0);
}

TEST_CASE("a child ended by a signal reports the signal", "[process]") {
  RunnerRig rig;
  const ProcessResult result = require_ran(rig.run(shell("kill -KILL $$")));
  CHECK(result.exit_code == -1);
  CHECK(result.signal == SIGKILL);
  CHECK_FALSE(result.timed_out);
}

TEST_CASE("stdin_data is delivered and then closed", "[process]") {
  RunnerRig rig;
  SECTION("small input, read to the end") {
    ProcessSpec spec = shell("cat; echo '<eof>'");
    spec.stdin_data = "line one\nline two\n";
    const ProcessResult result = require_ran(rig.run(spec));
    CHECK(result.stdout_data == "line one\nline two\n<eof>\n");
  }
  SECTION("input larger than a pipe buffer, echoed while it is written") {
    ProcessSpec spec = shell("cat");
    for (int i = 0; spec.stdin_data.size() < 3 * 1024 * 1024; ++i) spec.stdin_data += std::to_string(i) + ",";
    const ProcessResult result = require_ran(rig.run(spec));
    CHECK(result.stdout_data == spec.stdin_data);
  }
  SECTION("a child that never reads its input still finishes") {
    ProcessSpec spec = shell("echo ignoring input");
    spec.stdin_data = std::string(2 * 1024 * 1024, 'i');
    const ProcessResult result = require_ran(rig.run(spec));
    CHECK(result.stdout_data == "ignoring input\n");
    CHECK(result.exit_code == 0);
  }
}

TEST_CASE("the child's environment is exactly spec.environment", "[process]") {
  RunnerRig rig;
  ::setenv("MARGO_PARENT_SECRET", "must-not-leak", 1);
  ProcessSpec spec;
  spec.argv = {"env"};  // looked up in the default PATH: the spec has none
  spec.environment = {{"A", "1"}, {"B", "two words"}, {"EMPTY", ""}};
  const ProcessResult result = require_ran(rig.run(spec));
  ::unsetenv("MARGO_PARENT_SECRET");
  CHECK(result.stdout_data == "A=1\nB=two words\nEMPTY=\n");
}

TEST_CASE("signals ignored by the agent are not ignored by the child", "[process]") {
  RunnerRig rig;
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  ProcessSpec spec;
  spec.argv = {"/bin/grep", "SigIgn", "/proc/self/status"};
  const ProcessResult result = require_ran(rig.run(spec));
  sigaction(SIGPIPE, &previous, nullptr);
  CHECK(result.stdout_data == "SigIgn:\t0000000000000000\n");
}

TEST_CASE("signals blocked in the agent's thread are not blocked in the child", "[process]") {
  RunnerRig rig;
  sigset_t blocked;
  sigset_t previous;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  // The worker threads start now and inherit this mask.
  pthread_sigmask(SIG_BLOCK, &blocked, &previous);
  WorkerPool blocking_workers{1};
  SpawnProcessRunner runner{rig.loop.loop(), blocking_workers};
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ProcessSpec spec;
  spec.argv = {"/bin/grep", "SigBlk", "/proc/self/status"};
  const auto outcome =
      rig.loop.call<ProcessResult>([&runner, spec](Callback<ProcessResult> done) { runner.run(spec, done); });
  CHECK(require_ran(outcome).stdout_data == "SigBlk:\t0000000000000000\n");
}

TEST_CASE("descriptors the agent left open are not inherited", "[process]") {
  RunnerRig rig;
  const int leaky = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC on purpose
  REQUIRE(leaky > STDERR_FILENO);
  ProcessSpec spec = shell("ls /proc/self/fd");
  const ProcessResult result = require_ran(rig.run(spec));
  ::close(leaky);
  // 0-2, and the descriptor ls opened to read the directory.
  CHECK(result.stdout_data == "0\n1\n2\n3\n");
}

TEST_CASE("program names are looked up in the spec's PATH", "[process]") {
  RunnerRig rig;
  char directory_template[] = "/tmp/margo-path-XXXXXX";
  const std::string directory = ::mkdtemp(directory_template);
  const std::string script = directory + "/margo-hello";
  std::ofstream(script) << "#!/bin/sh\necho \"hello from $0\"\n";
  ::chmod(script.c_str(), 0755);

  SECTION("found in the given PATH") {
    ProcessSpec spec;
    spec.argv = {"margo-hello"};
    spec.environment = {{"PATH", "/nonexistent:" + directory}};
    const ProcessResult result = require_ran(rig.run(spec));
    CHECK(result.stdout_data == "hello from " + script + "\n");
  }
  SECTION("not in the default PATH") {
    ProcessSpec spec;
    spec.argv = {"margo-hello"};
    const Error error = require_error(rig.run(spec));
    CHECK(error.code == "process.not_found");
    CHECK(error.message.find("margo-hello") != std::string::npos);
  }
  SECTION("relative to the working directory") {
    ProcessSpec spec;
    spec.argv = {"./margo-hello"};
    spec.working_directory = directory;
    const ProcessResult result = require_ran(rig.run(spec));
    CHECK(result.stdout_data.rfind("hello from " + directory + "/", 0) == 0);
  }
  ::unlink(script.c_str());
  ::rmdir(directory.c_str());
}

TEST_CASE("a missing program or working directory is an error, not a result", "[process]") {
  RunnerRig rig;
  SECTION("absolute path") {
    ProcessSpec spec;
    spec.argv = {"/nonexistent/margo-tool", "--version"};
    CHECK(require_error(rig.run(spec)).code == "process.not_found");
  }
  SECTION("a directory is not a program") {
    ProcessSpec spec;
    spec.argv = {"/tmp"};
    CHECK(require_error(rig.run(spec)).code == "process.not_found");
  }
  SECTION("empty argv") {
    const Error error = require_error(rig.run(ProcessSpec{}));
    CHECK(error.code == "process.start_failed");
  }
  SECTION("working directory") {
    ProcessSpec spec = shell("pwd");
    spec.working_directory = "/nonexistent/margo-dir";
    const Error error = require_error(rig.run(spec));
    CHECK(error.code == "process.start_failed");
    CHECK(error.message.find("/nonexistent/margo-dir") != std::string::npos);
  }
  SECTION("malformed environment name") {
    ProcessSpec spec = shell("true");
    spec.environment = {{"A=B", "1"}};
    CHECK(require_error(rig.run(spec)).code == "process.start_failed");
  }
}

TEST_CASE("the child starts in the working directory", "[process]") {
  RunnerRig rig;
  ProcessSpec spec = shell("pwd");
  spec.working_directory = "/usr/share";
  CHECK(require_ran(rig.run(spec)).stdout_data == "/usr/share\n");
}

TEST_CASE("a child past its timeout is terminated", "[process]") {
  RunnerRig rig;
  SECTION("SIGTERM ends an ordinary child") {
    ProcessSpec spec = shell("echo started; exec sleep 30");
    spec.timeout = std::chrono::milliseconds(300);
    const auto before = std::chrono::steady_clock::now();
    const ProcessResult result = require_ran(rig.run(spec));
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(10));
    CHECK(result.timed_out);
    CHECK(result.signal == SIGTERM);
    CHECK(result.exit_code == -1);
    CHECK(result.stdout_data == "started\n");
  }
  SECTION("SIGKILL follows the grace period when SIGTERM is ignored") {
    ProcessSpec spec = shell("trap '' TERM; echo trapping; exec sleep 30");
    spec.timeout = std::chrono::milliseconds(300);
    const auto before = std::chrono::steady_clock::now();
    const ProcessResult result = require_ran(rig.run(spec));
    const auto took = std::chrono::steady_clock::now() - before;
    CHECK(took >= SpawnProcessRunner::kKillGrace);
    CHECK(took < std::chrono::seconds(15));
    CHECK(result.timed_out);
    CHECK(result.signal == SIGKILL);
    CHECK(result.stdout_data == "trapping\n");
  }
}

TEST_CASE("terminate_all ends running children at once, not at their timeout", "[process]") {
  RunnerRig rig;
  ProcessSpec spec = shell("echo started; exec sleep 30");
  spec.timeout = std::chrono::seconds(60);
  const auto before = std::chrono::steady_clock::now();
  const auto outcome = rig.loop.call<ProcessResult>([&rig, spec](Callback<ProcessResult> done) {
    rig.runner.run(spec, done);
    rig.runner.terminate_all();
  });
  const ProcessResult result = require_ran(outcome);
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(10));
  CHECK(result.signal == SIGTERM);
  CHECK_FALSE(result.timed_out);
}

TEST_CASE("output over max_output_bytes is discarded without blocking the child", "[process]") {
  RunnerRig rig;
  ProcessSpec spec = shell("head -c 1000000 /dev/zero; head -c 500000 /dev/zero >&2; echo done >&2");
  spec.max_output_bytes = 1000;
  const ProcessResult result = require_ran(rig.run(spec));
  CHECK(result.exit_code == 0);
  CHECK(result.output_truncated);
  CHECK(result.stdout_data == std::string(1000, '\0'));
  CHECK(result.stderr_data.size() == 1000);
}

TEST_CASE("large output on both streams does not deadlock", "[process]") {
  RunnerRig rig;
  // stderr fills first: a runner reading only stdout until end of file would wait forever.
  ProcessSpec spec =
      shell("head -c 3000000 /dev/zero | tr '\\0' e >&2; head -c 3000000 /dev/zero | tr '\\0' o");
  const ProcessResult result = require_ran(rig.run(spec));
  CHECK(result.exit_code == 0);
  CHECK_FALSE(result.output_truncated);
  CHECK(result.stdout_data == std::string(3000000, 'o'));
  CHECK(result.stderr_data == std::string(3000000, 'e'));
}

TEST_CASE("a background descendant holding the pipes does not hold up the result", "[process]") {
  RunnerRig rig;
  const auto before = std::chrono::steady_clock::now();
  const ProcessResult result = require_ran(rig.run(shell("sleep 5 & echo parent done")));
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(4));
  CHECK(result.exit_code == 0);
  CHECK(result.stdout_data == "parent done\n");
}
