#pragma once
// Builds tar archives byte by byte for tests, hostile ones included (links, traversal, bad checksums),
// and gzips them.

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace margo::test {

struct TarEntry {
  TarEntry(std::string entry_name, std::string entry_content, char entry_type = '0',
           std::string entry_prefix = "")
      : name(std::move(entry_name)),
        content(std::move(entry_content)),
        type(entry_type),
        prefix(std::move(entry_prefix)) {}
  std::string name;
  std::string content;
  char type;
  std::string prefix;  // ustar prefix field
};

inline std::string tar_header(const TarEntry& entry, std::size_t size) {
  std::string header(512, '\0');
  std::memcpy(&header[0], entry.name.data(), std::min<std::size_t>(entry.name.size(), 100));
  std::snprintf(&header[100], 8, "%07o", 0644);
  std::snprintf(&header[108], 8, "%07o", 0);
  std::snprintf(&header[116], 8, "%07o", 0);
  std::snprintf(&header[124], 12, "%011zo", size);
  std::snprintf(&header[136], 12, "%011o", 0);
  header[156] = entry.type;
  std::memcpy(&header[257], "ustar", 6);
  std::memcpy(&header[263], "00", 2);
  std::memcpy(&header[345], entry.prefix.data(), std::min<std::size_t>(entry.prefix.size(), 155));
  std::memset(&header[148], ' ', 8);
  unsigned sum = 0;
  for (const char c : header) sum += static_cast<unsigned char>(c);
  std::snprintf(&header[148], 8, "%06o", sum);
  return header;
}

inline std::string tar(const std::vector<TarEntry>& entries, bool end_blocks = true) {
  std::string out;
  for (const auto& entry : entries) {
    out += tar_header(entry, entry.content.size());
    out += entry.content;
    out.append((512 - entry.content.size() % 512) % 512, '\0');
  }
  if (end_blocks) out.append(1024, '\0');
  return out;
}

inline std::string pax_record(const std::string& key, const std::string& value) {
  const std::string body = " " + key + "=" + value + "\n";
  std::size_t length = body.size() + 1;
  while (std::to_string(length).size() + body.size() != length) ++length;
  return std::to_string(length) + body;
}

inline std::string gzip(const std::string& data, int level = 6) {
  z_stream stream{};
  deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()) + 64, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace margo::test
