#pragma once
// The on-disk checks for files the config names. Each returns an error (code config.file) whose
// message is the reason, naming the path.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/ports/result.hpp"

namespace margo {

// `path` made absolute against `base_directory` (itself absolute) and normalised ("a/../b" -> "b").
std::string resolve_path(std::string_view base_directory, std::string_view path);

// An existing regular file that this process can open for reading.
Status check_readable_file(const std::string& path);
// An existing directory.
Status check_directory(const std::string& path);
// The directory that would hold `path` exists.
Status check_parent_directory(const std::string& path);
// Absent, or an existing directory.
Status check_directory_if_present(const std::string& path);
bool path_exists(const std::string& path);

// The file's permission bits let group or others read it.
Result<bool> readable_by_group_or_others(const std::string& path);

// The whole file, refused when it is bigger than max_bytes.
Result<std::string> read_text_file(const std::string& path, std::size_t max_bytes);

// The file's content parsed as JSON, which must be an object; a parse error names line and column.
Result<nlohmann::json> read_json_object(const std::string& path, std::size_t max_bytes);

}  // namespace margo
