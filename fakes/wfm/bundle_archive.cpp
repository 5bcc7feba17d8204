#include "fakes/wfm/bundle_archive.hpp"

#include <zlib.h>

#include <array>
#include <cassert>
#include <cstdio>
#include <cstring>

namespace margo::fake {
namespace {

constexpr std::size_t block_size = 512;

void put_field(std::array<char, block_size>& header, std::size_t offset, std::size_t width,
               std::string_view text) {
  std::memcpy(header.data() + offset, text.data(), std::min(width, text.size()));
}

// Zero-padded octal in width-1 digits followed by NUL, the usual ustar numeric field.
void put_octal(std::array<char, block_size>& header, std::size_t offset, std::size_t width,
               unsigned long long value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%0*llo", static_cast<int>(width - 1), value);
  put_field(header, offset, width - 1, text);
}

void append_file(std::string& archive, const BundleFile& file) {
  assert(file.name.size() <= 100);
  std::array<char, block_size> header{};
  put_field(header, 0, 100, file.name);
  put_octal(header, 100, 8, 0644);  // mode
  put_octal(header, 108, 8, 0);     // uid
  put_octal(header, 116, 8, 0);     // gid
  put_octal(header, 124, 12, file.content.size());
  put_octal(header, 136, 12, 0);  // mtime
  header[156] = '0';              // regular file
  put_field(header, 257, 6, std::string_view("ustar\0", 6));
  put_field(header, 263, 2, "00");
  put_field(header, 265, 32, "root");
  put_field(header, 297, 32, "root");
  // The checksum is computed with its own field read as spaces.
  std::memset(header.data() + 148, ' ', 8);
  unsigned checksum = 0;
  for (const char c : header) checksum += static_cast<unsigned char>(c);
  char text[8];
  std::snprintf(text, sizeof(text), "%06o", checksum);
  std::memcpy(header.data() + 148, text, 7);  // six digits, NUL, and the space already there

  archive.append(header.data(), header.size());
  archive.append(file.content);
  archive.append((block_size - file.content.size() % block_size) % block_size, '\0');
}

std::string gzip(const std::string& data) {
  z_stream stream{};
  // windowBits 15 + 16 selects the gzip wrapper; the header below fixes its fields.
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  gz_header header{};
  header.os = 255;  // unknown: the same bytes on every build host
  deflateSetHeader(&stream, &header);

  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  assert(result == Z_STREAM_END);
  (void)result;
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace

std::string build_bundle(const std::vector<BundleFile>& files) {
  std::string archive;
  for (const auto& file : files) append_file(archive, file);
  archive.append(2 * block_size, '\0');  // end-of-archive marker
  return gzip(archive);
}

}  // namespace margo::fake
