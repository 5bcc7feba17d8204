#pragma once
// The deployment bundle: a gzip-compressed ustar archive with one <deploymentId>.yaml per deployment
// at its root. Built deterministically (mtime 0, owner root, fixed modes, gzip header without name or
// time) so the same desired state always gives the same bytes, hence the same digest.

#include <string>
#include <vector>

namespace margo::fake {

struct BundleFile {
  std::string name;  // at most 100 bytes, no "/"
  std::string content;
};

std::string build_bundle(const std::vector<BundleFile>& files);

}  // namespace margo::fake
