#include "agent/adapters/posix_filesystem.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string_view>
#include <system_error>

namespace margo {
namespace {

constexpr std::size_t kFileReadChunk = 64 * 1024;
constexpr unsigned kPermissionBits = 07777;

Error errno_error(int error_number, std::string_view operation, const std::string& path) {
  const std::string message = std::string(operation) + " '" + path +
                              "': " + std::error_code(error_number, std::generic_category()).message();
  switch (error_number) {
    case ENOENT:
    case ENOTDIR:
      return permanent_error("fs.not_found", message);
    case EACCES:
    case EPERM:
      return permanent_error("fs.permission_denied", message);
    default:
      return retryable_error("fs.io", message);
  }
}

Error too_large(const std::string& path, std::uint64_t size, std::size_t max_bytes) {
  return permanent_error("fs.too_large", "read_file '" + path + "': " + std::to_string(size) +
                                             " bytes or more, more than the limit of " +
                                             std::to_string(max_bytes));
}

// Closes on scope exit; close() reports the error when the caller needs it (after writing).
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Returns errno, or 0 on success.
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

FileDescriptor open_retrying(const std::string& path, int flags, unsigned mode = 0) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags, static_cast<mode_t>(mode));
  } while (fd < 0 && errno == EINTR);
  return FileDescriptor(fd);
}

// Returns errno, or 0 once every byte is written.
int write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (written == 0) return EIO;
    data.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

Status sync_path(const std::string& path, int flags, std::string_view operation) {
  FileDescriptor file = open_retrying(path, flags);
  if (!file.valid()) return errno_error(errno, operation, path);
  if (::fsync(file.get()) != 0) return errno_error(errno, operation, path);
  if (const int error_number = file.close(); error_number != 0)
    return errno_error(error_number, operation, path);
  return {};
}

}  // namespace

Result<std::string> PosixFileSystem::read_file(const std::string& path, std::size_t max_bytes) {
  FileDescriptor file = open_retrying(path, O_RDONLY | O_CLOEXEC);
  if (!file.valid()) return errno_error(errno, "read_file", path);
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) return errno_error(errno, "read_file", path);
  if (S_ISDIR(info.st_mode)) return errno_error(EISDIR, "read_file", path);
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes) return too_large(path, info.st_size, max_bytes);

  std::string data;
  data.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[kFileReadChunk];
  while (true) {
    const ssize_t got = ::read(file.get(), buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno, "read_file", path);
    }
    if (got == 0) break;
    data.append(buffer, static_cast<std::size_t>(got));
    if (data.size() > max_bytes) return too_large(path, data.size(), max_bytes);
  }
  return data;
}

Status PosixFileSystem::write_file(const std::string& path, const std::string& data, unsigned mode) {
  const unsigned permissions = mode & kPermissionBits;
  FileDescriptor file =
      open_retrying(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, permissions);
  if (!file.valid()) return errno_error(errno, "write_file", path);
  // open() applies the umask and keeps the mode of an existing file; fchmod sets exactly what was asked.
  if (::fchmod(file.get(), static_cast<mode_t>(permissions)) != 0)
    return errno_error(errno, "write_file", path);
  if (const int error_number = write_all(file.get(), data); error_number != 0) {
    return errno_error(error_number, "write_file", path);
  }
  if (const int error_number = file.close(); error_number != 0)
    return errno_error(error_number, "write_file", path);
  return {};
}

Status PosixFileSystem::fsync_file(const std::string& path) {
  return sync_path(path, O_RDONLY | O_CLOEXEC, "fsync_file");
}

Status PosixFileSystem::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return errno_error(errno, "rename", from + "' -> '" + to);
  return {};
}

Status PosixFileSystem::fsync_directory(const std::string& path) {
  return sync_path(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, "fsync_directory");
}

Status PosixFileSystem::remove(const std::string& path) {
  if (std::remove(path.c_str()) == 0 || errno == ENOENT || errno == ENOTDIR) return {};
  return errno_error(errno, "remove", path);
}

Status PosixFileSystem::create_directories(const std::string& path, unsigned mode) {
  if (path.empty()) return errno_error(ENOENT, "create_directories", path);
  const unsigned permissions = mode & kPermissionBits;
  std::size_t end = 0;
  while (end != std::string::npos) {
    end = path.find('/', end + 1);
    const std::string prefix = path.substr(0, end);
    if (prefix.empty() || prefix.back() == '/') continue;  // "//" in the path
    if (::mkdir(prefix.c_str(), static_cast<mode_t>(permissions)) == 0) {
      // mkdir() applies the umask; chmod sets exactly what was asked.
      if (::chmod(prefix.c_str(), static_cast<mode_t>(permissions)) != 0) {
        return errno_error(errno, "create_directories", prefix);
      }
      continue;
    }
    if (errno != EEXIST) return errno_error(errno, "create_directories", prefix);
    struct stat info {};
    if (::stat(prefix.c_str(), &info) != 0) return errno_error(errno, "create_directories", prefix);
    if (!S_ISDIR(info.st_mode)) {
      return permanent_error(
          "fs.exists", "create_directories '" + path + "': '" + prefix + "' exists and is not a directory");
    }
  }
  return {};
}

Result<std::optional<FileInfo>> PosixFileSystem::stat(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<FileInfo>();
    return errno_error(errno, "stat", path);
  }
  FileInfo result;
  result.size = static_cast<std::uint64_t>(info.st_size);
  result.modified_ns = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  result.mode = info.st_mode & kPermissionBits;
  result.is_directory = S_ISDIR(info.st_mode);
  return std::optional<FileInfo>(result);
}

Result<std::vector<std::string>> PosixFileSystem::list_directory(const std::string& path) {
  DIR* directory = ::opendir(path.c_str());
  if (directory == nullptr) return errno_error(errno, "list_directory", path);
  std::vector<std::string> names;
  int error_number = 0;
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(directory);
    if (entry == nullptr) {
      error_number = errno;
      break;
    }
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(directory);
  if (error_number != 0) return errno_error(error_number, "list_directory", path);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace margo
