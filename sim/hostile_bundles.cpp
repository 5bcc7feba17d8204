#include "sim/hostile_bundles.hpp"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace margo::sim {
namespace {

std::string header(const std::string& name, std::size_t size, char type) {
  std::string block(512, '\0');
  std::memcpy(&block[0], name.data(), std::min<std::size_t>(name.size(), 100));
  std::snprintf(&block[100], 8, "%07o", 0644);
  std::snprintf(&block[124], 12, "%011zo", size);
  std::snprintf(&block[136], 12, "%011o", 0);
  block[156] = type;
  if (type == '2') std::memcpy(&block[157], "/etc/passwd", 11);
  std::memcpy(&block[257], "ustar", 6);
  std::memcpy(&block[263], "00", 2);
  std::memset(&block[148], ' ', 8);
  unsigned sum = 0;
  for (const char c : block) sum += static_cast<unsigned char>(c);
  std::snprintf(&block[148], 8, "%06o", sum);
  return block;
}

std::string tar(const std::vector<std::pair<std::string, char>>& entries) {
  std::string out;
  const std::string content = "id: x\n";
  for (const auto& [name, type] : entries) {
    const std::size_t size = type == '0' ? content.size() : 0;
    out += header(name, size, type);
    if (size > 0) out += content + std::string(512 - size, '\0');
  }
  return out + std::string(1024, '\0');
}

std::string gzip(const std::string& data) {
  z_stream stream{};
  deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
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

}  // namespace

std::string hostile_bundle(std::string_view kind) {
  if (kind == "path-traversal") return gzip(tar({{"../../etc/cron.d/evil.yaml", '0'}}));
  if (kind == "symlink") return gzip(tar({{"evil.yaml", '2'}}));
  if (kind == "too-many-entries") {
    std::vector<std::pair<std::string, char>> entries;
    for (int i = 0; i < 2000; ++i) entries.emplace_back("f" + std::to_string(i) + ".yaml", '0');
    return gzip(tar(entries));
  }
  if (kind == "not-gzip") return "this is not a gzip stream";
  return "";
}

}  // namespace margo::sim
