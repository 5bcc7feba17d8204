#include "fakes/wfm/bundle_archive.hpp"

#include <cassert>

#include "fakes/archive/tar_writer.hpp"

namespace margo::fake {

std::string build_bundle(const std::vector<BundleFile>& files) {
  std::vector<TarEntry> entries;
  for (const BundleFile& file : files) {
    assert(file.name.size() <= 100);
    entries.emplace_back(file.name, file.content);
  }
  return gzip(tar(entries));
}

}  // namespace margo::fake
