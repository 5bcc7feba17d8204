#include "agent/core/durable_file.hpp"

#include "agent/core/paths.hpp"

namespace margo {

Status write_file_durably(FileSystem& fs, const std::string& path, const std::string& data, unsigned mode) {
  const std::string temporary = path + ".tmp";
  if (auto written = fs.write_file(temporary, data, mode); !written) return written;
  if (auto synced = fs.fsync_file(temporary); !synced) return synced;
  if (auto renamed = fs.rename(temporary, path); !renamed) return renamed;
  return fs.fsync_directory(parent_directory(path));
}

}  // namespace margo
