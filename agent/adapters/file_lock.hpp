#pragma once
// An exclusive advisory lock on a file (flock), held for the life of the object. One agent per data
// directory: a second agent, or `margo-agent reset-version` while the agent runs, is refused instead of
// racing it on the state file.

#include <string>

#include "agent/ports/result.hpp"

namespace margo {

class FileLock {
 public:
  // Fails at once (never waits) with lock.held when another process holds it, fs.* otherwise.
  static Result<FileLock> acquire(const std::string& path);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace margo
