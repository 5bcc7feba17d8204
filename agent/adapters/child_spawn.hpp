#pragma once
// Starting a child process for the process runner: posix_spawn with an exact environment, default
// signal dispositions, an empty signal mask and only the three standard streams inherited.

#include <sys/types.h>
#include <unistd.h>

#include <utility>

#include "agent/ports/process_runner.hpp"

namespace margo {

// A file descriptor closed when it goes out of scope or on close().
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  ~OwnedFd() { close(); }
  OwnedFd(OwnedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  OwnedFd& operator=(OwnedFd&& other) noexcept {
    if (this != &other) {
      close();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;

  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

// A started child and the parent's ends of its standard streams.
struct SpawnedChild {
  pid_t pid = -1;
  OwnedFd stdin_write;
  OwnedFd stdout_read;
  OwnedFd stderr_read;
};

// Errors: process.not_found, process.start_failed (permanent for a spec that can never start).
Result<SpawnedChild> spawn_child(const ProcessSpec& spec);

}  // namespace margo
