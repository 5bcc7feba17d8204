#include "agent/app/config/file_checks.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace margo {
namespace {

namespace fs = std::filesystem;

Error file_error(const std::string& path, std::string_view reason) {
  return permanent_error("config.file", std::string(reason) + ": " + path);
}

// nlohmann's what() starts with "[json.exception.parse_error.101] "; the rest is the readable part.
std::string without_exception_id(std::string_view what) {
  if (!what.empty() && what.front() == '[') {
    const auto close = what.find("] ");
    if (close != std::string_view::npos) what.remove_prefix(close + 2);
  }
  return std::string(what);
}

}  // namespace

std::string resolve_path(std::string_view base_directory, std::string_view path) {
  const fs::path given(path);
  const fs::path absolute = given.is_absolute() ? given : fs::path(base_directory) / given;
  std::string normal = absolute.lexically_normal().string();
  if (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

bool path_exists(const std::string& path) {
  std::error_code error;
  return fs::exists(path, error);
}

Status check_readable_file(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) return file_error(path, "file not found");
  if (error) return file_error(path, "cannot access (" + error.message() + ")");
  if (status.type() != fs::file_type::regular) return file_error(path, "not a regular file");
  std::ifstream stream(path, std::ios::binary);
  if (!stream) return file_error(path, "cannot be opened for reading");
  return {};
}

Status check_directory(const std::string& path) {
  std::error_code error;
  const fs::file_status status = fs::status(path, error);
  if (status.type() == fs::file_type::not_found) return file_error(path, "directory not found");
  if (error) return file_error(path, "cannot access (" + error.message() + ")");
  if (status.type() != fs::file_type::directory) return file_error(path, "not a directory");
  return {};
}

Status check_parent_directory(const std::string& path) {
  return check_directory(fs::path(path).parent_path().string());
}

Status check_directory_if_present(const std::string& path) {
  if (!path_exists(path)) return {};
  return check_directory(path);
}

Result<bool> readable_by_group_or_others(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return file_error(path, "cannot read its permissions");
  return (info.st_mode & (S_IRGRP | S_IROTH)) != 0;
}

Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes) {
  if (Status readable = check_readable_file(path); !readable) return readable.error();
  std::error_code error;
  const auto size = fs::file_size(path, error);
  if (error) return file_error(path, "cannot read its size");
  if (size > max_bytes) return file_error(path, "larger than " + std::to_string(max_bytes) + " bytes");
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream content;
  content << stream.rdbuf();
  if (stream.bad()) return file_error(path, "read failed");
  return content.str();
}

Result<nlohmann::json> read_json_object(const std::string& path, std::size_t max_bytes) {
  auto text = read_text_file(path, max_bytes);
  if (!text) return text.error();
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::parse_error& error) {
    return file_error(path, "invalid JSON (" + without_exception_id(error.what()) + ")");
  }
  if (!document.is_object()) {
    return file_error(path, "must hold a JSON object, not " + std::string(document.type_name()));
  }
  return document;
}

}  // namespace margo
