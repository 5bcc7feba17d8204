#include "agent/runtime/compose/package_contents.hpp"

#include <algorithm>
#include <array>

#include "agent/core/bundle_archive.hpp"

namespace margo {
namespace {

// In compose's own order of preference.
constexpr std::array<std::string_view, 4> kComposeFileNames = {"compose.yaml", "compose.yml",
                                                               "docker-compose.yaml", "docker-compose.yml"};

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

}  // namespace

Result<PackageContents> unpack_package(std::string_view bytes, std::size_t max_bytes) {
  if (!is_gzip(bytes)) return PackageContents{"compose.yaml", {{"compose.yaml", std::string(bytes)}}};

  BundleLimits limits;
  limits.max_uncompressed_bytes = max_bytes;
  limits.max_entry_bytes = max_bytes;
  limits.allow_subdirectories = true;
  auto entries = extract_bundle(bytes, limits);
  if (!entries) {
    return security_error("compose.invalid_package", "package archive refused: " + entries.error().message);
  }
  PackageContents contents;
  for (BundleEntry& entry : *entries) {
    const bool is_compose_file =
        std::find(kComposeFileNames.begin(), kComposeFileNames.end(), entry.name) != kComposeFileNames.end();
    if (is_compose_file) {
      if (!contents.compose_file.empty())
        return permanent_error("compose.invalid_file", "package archive holds both " + contents.compose_file +
                                                           " and " + entry.name + "; keep one");
      contents.compose_file = entry.name;
    }
    contents.files.push_back({std::move(entry.name), std::move(entry.content)});
  }
  if (contents.compose_file.empty())
    return permanent_error("compose.invalid_file",
                           "package archive has no compose.yaml, compose.yml, docker-compose.yaml or "
                           "docker-compose.yml at its root");
  return contents;
}

}  // namespace margo
