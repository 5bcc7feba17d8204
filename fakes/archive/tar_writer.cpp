#include "fakes/archive/tar_writer.hpp"

#include <zlib.h>

#include <cstdio>
#include <cstring>

namespace margo::fake {
namespace {

constexpr std::size_t kBlock = 512;

void put_field(std::string& header, std::size_t offset, std::size_t width, const std::string& text) {
  std::memcpy(&header[offset], text.data(), std::min(width, text.size()));
}

// Zero-padded octal in width-1 digits followed by NUL, the usual ustar numeric field.
void put_octal(std::string& header, std::size_t offset, std::size_t width, unsigned long long value) {
  char text[32];
  std::snprintf(text, sizeof text, "%0*llo", static_cast<int>(width - 1), value);
  put_field(header, offset, width - 1, text);
}

}  // namespace

std::string tar_header(const TarEntry& entry, std::size_t size) {
  std::string header(kBlock, '\0');
  put_field(header, 0, 100, entry.name);
  put_octal(header, 100, 8, 0644);  // mode
  put_octal(header, 108, 8, 0);     // uid
  put_octal(header, 116, 8, 0);     // gid
  put_octal(header, 124, 12, size);
  put_octal(header, 136, 12, 0);  // mtime
  header[156] = entry.type;
  put_field(header, 157, 100, entry.link_target);
  put_field(header, 257, 6, std::string("ustar\0", 6));
  put_field(header, 263, 2, "00");
  put_field(header, 265, 32, "root");
  put_field(header, 297, 32, "root");
  put_field(header, 345, 155, entry.prefix);
  // The checksum is computed with its own field read as spaces: six digits, NUL, and a space.
  std::memset(&header[148], ' ', 8);
  unsigned checksum = 0;
  for (const char c : header) checksum += static_cast<unsigned char>(c);
  char text[8];
  std::snprintf(text, sizeof text, "%06o", checksum);
  std::memcpy(&header[148], text, 7);
  return header;
}

std::string tar(const std::vector<TarEntry>& entries, bool end_blocks) {
  std::string out;
  for (const TarEntry& entry : entries) {
    out += tar_header(entry, entry.content.size());
    out += entry.content;
    out.append((kBlock - entry.content.size() % kBlock) % kBlock, '\0');
  }
  if (end_blocks) out.append(2 * kBlock, '\0');
  return out;
}

std::string pax_record(const std::string& key, const std::string& value) {
  const std::string body = " " + key + "=" + value + "\n";
  std::size_t length = body.size() + 1;
  while (std::to_string(length).size() + body.size() != length) ++length;
  return std::to_string(length) + body;
}

std::string gzip(const std::string& data, int level) {
  z_stream stream{};
  // windowBits 15 + 16 selects the gzip wrapper; the header below fixes its fields.
  deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  gz_header header{};
  header.os = 255;  // unknown: the same bytes on every build host
  deflateSetHeader(&stream, &header);
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace margo::fake
