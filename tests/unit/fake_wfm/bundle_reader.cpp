#include "bundle_reader.hpp"

#include <zlib.h>

#include <cstdlib>

namespace margo::testing {

std::string gunzip(const std::string& compressed) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return {};
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[4096];
  int result = Z_OK;
  while (result == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    result = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  return result == Z_STREAM_END ? out : std::string();
}

std::vector<TarEntry> read_tar(const std::string& archive) {
  std::vector<TarEntry> entries;
  std::size_t offset = 0;
  while (offset + 512 <= archive.size() && archive[offset] != '\0') {
    const std::string header = archive.substr(offset, 512);
    TarEntry entry;
    entry.name = header.substr(0, header.find('\0'));
    entry.mtime_field = header.substr(136, 12);
    entry.uid_field = header.substr(108, 8);
    entry.type = header[156];
    const std::size_t size = std::strtoull(header.substr(124, 12).c_str(), nullptr, 8);
    entry.content = archive.substr(offset + 512, size);
    entries.push_back(entry);
    offset += 512 + (size + 511) / 512 * 512;
  }
  return entries;
}

}  // namespace margo::testing
