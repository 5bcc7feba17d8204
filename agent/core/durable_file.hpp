#pragma once
// Crash-safe replacement of a whole file: write a temporary, fsync it, rename it over the target,
// fsync the directory. After a crash the target holds either the old or the new content, whole.

#include <string>

#include "agent/ports/filesystem.hpp"

namespace margo {

Status write_file_durably(FileSystem& fs, const std::string& path, const std::string& data, unsigned mode);

}  // namespace margo
