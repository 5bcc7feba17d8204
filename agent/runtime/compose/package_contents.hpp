#pragma once
// A package's bytes as the files to store: a plain compose file, or a tar.gz (recognised by the gzip
// magic bytes, not by its name) holding one of compose.yaml, compose.yml, docker-compose.yaml or
// docker-compose.yml at its root, possibly with other files in sub-directories (configuration the
// compose file mounts). The archive is read by the agent's strict reader: no links, devices, absolute
// paths or traversal; sizes capped.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo {

struct PackageFile {
  std::string path;  // relative, '/'-separated plain names
  std::string content;
};

struct PackageContents {
  std::string compose_file;  // the path, among files, of the compose file
  std::vector<PackageFile> files;
};

// A plain file becomes compose.yaml. Errors: compose.invalid_package (security: the archive was
// refused, saying why), compose.invalid_file (permanent: no compose file at the root, or two of them).
Result<PackageContents> unpack_package(std::string_view bytes, std::size_t max_bytes);

}  // namespace margo
