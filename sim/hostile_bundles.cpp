#include "sim/hostile_bundles.hpp"

#include <vector>

#include "fakes/archive/tar_writer.hpp"

namespace margo::sim {
namespace {

using fake::TarEntry;

TarEntry file(const std::string& name) {
  return TarEntry(name, "id: x\n");
}

}  // namespace

std::string hostile_bundle(std::string_view kind) {
  if (kind == "path-traversal") return fake::gzip(fake::tar({file("../../etc/cron.d/evil.yaml")}));
  if (kind == "symlink") return fake::gzip(fake::tar({TarEntry("evil.yaml", "", '2', "", "/etc/passwd")}));
  if (kind == "too-many-entries") {
    std::vector<TarEntry> entries;
    for (int i = 0; i < 2000; ++i) entries.push_back(file("f" + std::to_string(i) + ".yaml"));
    return fake::gzip(fake::tar(entries));
  }
  if (kind == "not-gzip") return "this is not a gzip stream";
  return "";
}

}  // namespace margo::sim
