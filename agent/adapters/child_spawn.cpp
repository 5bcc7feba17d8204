#include "agent/adapters/child_spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <vector>

namespace margo {
namespace {

// Used for the PATH lookup when the spec's environment has no PATH (the child still gets none).
constexpr const char* kDefaultSearchPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool is_executable_file(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

// The child starts in the working directory, so a relative program path must not depend on it twice.
std::string absolute(const std::string& path) {
  if (!path.empty() && path.front() == '/') return path;
  char cwd[PATH_MAX];
  if (::getcwd(cwd, sizeof cwd) == nullptr) return path;
  return std::string(cwd) + "/" + path;
}

Result<std::string> resolve_program(const ProcessSpec& spec) {
  const std::string& program = spec.argv.front();
  const std::string base = spec.working_directory.empty() ? "" : spec.working_directory + "/";
  if (program.find('/') != std::string::npos) {
    const std::string path = program.front() == '/' ? program : absolute(base + program);
    if (is_executable_file(path)) return path;
    return permanent_error("process.not_found",
                           "program '" + program + "' does not exist or is not executable");
  }
  const auto path_variable = spec.environment.find("PATH");
  const std::string search =
      path_variable != spec.environment.end() ? path_variable->second : kDefaultSearchPath;
  std::size_t start = 0;
  while (start <= search.size()) {
    const std::size_t end = std::min(search.find(':', start), search.size());
    const std::string directory = search.substr(start, end - start);
    start = end + 1;
    if (directory.empty()) continue;  // "current directory" entries are not searched
    const std::string candidate =
        absolute((directory.front() == '/' ? directory : base + directory) + "/" + program);
    if (is_executable_file(candidate)) return candidate;
  }
  return permanent_error("process.not_found", "program '" + program + "' not found in PATH=" + search);
}

Status validate(const ProcessSpec& spec) {
  auto invalid = [](const std::string& why) { return permanent_error("process.start_failed", why); };
  if (spec.argv.empty() || spec.argv.front().empty()) return invalid("empty argv: no program to run");
  for (const std::string& argument : spec.argv)
    if (argument.find('\0') != std::string::npos)
      return invalid("argument of '" + spec.argv.front() + "' has a NUL");
  for (const auto& [name, value] : spec.environment) {
    if (name.empty() || name.find_first_of("=\0", 0, 2) != std::string::npos)
      return invalid("invalid environment variable name '" + name + "'");
    if (value.find('\0') != std::string::npos) return invalid("environment variable " + name + " has a NUL");
  }
  if (!spec.working_directory.empty() && !is_directory(spec.working_directory))
    return invalid("working directory '" + spec.working_directory + "' does not exist");
  return {};
}

struct PipeEnds {
  OwnedFd read;
  OwnedFd write;
};

// Close-on-exec on both ends: the child gets its end through dup2, which clears the flag.
bool make_pipe(PipeEnds& ends) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  ends.read = OwnedFd(fds[0]);
  ends.write = OwnedFd(fds[1]);
  return true;
}

// posix_spawn rather than fork: glibc's child runs with every signal blocked and the agent's handlers
// reset to the default until exec, and posix_spawn returns only after exec. A SIGTERM sent the moment
// it returns therefore reaches the program, never a copy of the agent's own SIGTERM handler.
class SpawnAttributes {
 public:
  SpawnAttributes() {
    ::posix_spawnattr_init(&attributes_);
    ::posix_spawn_file_actions_init(&actions_);
  }
  ~SpawnAttributes() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attributes_);
  }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;

  // The child starts with no signal blocked and every signal at its default: signals the agent
  // ignores (SIGPIPE) or blocks in a worker thread are not inherited.
  int reset_signals() {
    sigset_t all;
    sigset_t none;
    // Not sigfillset: glibc leaves its two internal signals out of it, and posix_spawn would then hand
    // them to the program ignored.
    std::memset(&all, 0xff, sizeof all);
    sigemptyset(&none);
    if (int failed = ::posix_spawnattr_setsigdefault(&attributes_, &all)) return failed;
    if (int failed = ::posix_spawnattr_setsigmask(&attributes_, &none)) return failed;
    return ::posix_spawnattr_setflags(&attributes_, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  }
  int redirect(int fd, int target) { return ::posix_spawn_file_actions_adddup2(&actions_, fd, target); }
  // Descriptors the agent opened without close-on-exec (a library's socket) stay out of the child.
  int close_the_rest() { return ::posix_spawn_file_actions_addclosefrom_np(&actions_, STDERR_FILENO + 1); }
  int change_directory(const std::string& directory) {
    return ::posix_spawn_file_actions_addchdir_np(&actions_, directory.c_str());
  }

  const posix_spawnattr_t* attributes() const { return &attributes_; }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }

 private:
  posix_spawnattr_t attributes_;
  posix_spawn_file_actions_t actions_;
};

std::vector<char*> null_terminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  pointers.reserve(strings.size() + 1);
  for (std::string& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

Result<SpawnedChild> spawn_child(const ProcessSpec& spec) {
  if (Status valid = validate(spec); !valid) return valid.error();
  Result<std::string> program = resolve_program(spec);
  if (!program) return program.error();
  auto cannot_start = [&spec](const std::string& why) {
    return retryable_error("process.start_failed", "cannot start '" + spec.argv.front() + "': " + why);
  };

  PipeEnds in;
  PipeEnds out;
  PipeEnds err;
  if (!make_pipe(in) || !make_pipe(out) || !make_pipe(err))
    return cannot_start(std::string("pipe: ") + std::strerror(errno));
  SpawnAttributes spawn;
  int failed = spawn.reset_signals();
  if (failed == 0) failed = spawn.redirect(in.read.get(), STDIN_FILENO);
  if (failed == 0) failed = spawn.redirect(out.write.get(), STDOUT_FILENO);
  if (failed == 0) failed = spawn.redirect(err.write.get(), STDERR_FILENO);
  if (failed == 0) failed = spawn.close_the_rest();
  if (failed == 0 && !spec.working_directory.empty()) failed = spawn.change_directory(spec.working_directory);
  if (failed != 0) return cannot_start(std::strerror(failed));

  std::vector<std::string> arguments = spec.argv;
  arguments.front() = *program;
  std::vector<std::string> environment;
  for (const auto& [name, value] : spec.environment) environment.push_back(name + "=" + value);
  std::vector<char*> argv = null_terminated(arguments);
  std::vector<char*> envp = null_terminated(environment);
  pid_t pid = -1;
  failed =
      ::posix_spawn(&pid, program->c_str(), spawn.actions(), spawn.attributes(), argv.data(), envp.data());
  if (failed == ENOENT || failed == EACCES || failed == ENOEXEC || failed == ENOTDIR)
    return permanent_error("process.start_failed",
                           "cannot start '" + spec.argv.front() + "': " + std::strerror(failed));
  if (failed != 0) return cannot_start(std::strerror(failed));

  SpawnedChild child;
  child.pid = pid;
  child.stdin_write = std::move(in.write);
  child.stdout_read = std::move(out.read);
  child.stderr_read = std::move(err.read);
  return child;
}

}  // namespace margo
