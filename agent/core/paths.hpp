#pragma once
// Path string helpers (the FileSystem port takes plain strings).

#include <string>
#include <string_view>

namespace margo {

inline std::string join_path(std::string_view directory, std::string_view name) {
  if (directory.empty()) return std::string(name);
  std::string joined(directory);
  if (joined.back() != '/') joined += '/';
  joined += name;
  return joined;
}

inline std::string parent_directory(std::string_view path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace margo
