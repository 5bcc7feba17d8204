#include "agent/codec/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdint>

namespace margo {

Result<std::string> gunzip_limited(std::string_view compressed, std::size_t max_bytes) {
  const auto invalid = [](const std::string& reason) { return permanent_error("gzip.invalid", reason); };
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) return invalid("cannot start gzip decoding");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(std::min<std::size_t>(compressed.size(), UINT32_MAX));
  std::string output;
  char chunk[16384];
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(chunk);
    stream.avail_out = sizeof chunk;
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      inflateEnd(&stream);
      return invalid(status == Z_BUF_ERROR ? "gzip data is truncated" : "not valid gzip data");
    }
    const std::size_t produced = sizeof chunk - stream.avail_out;
    if (output.size() + produced > max_bytes) {
      inflateEnd(&stream);
      return permanent_error("gzip.too_large", "inflates to more than " + std::to_string(max_bytes) +
                                                   " bytes (decompression bomb?)");
    }
    output.append(chunk, produced);
  }
  const bool trailing = stream.avail_in != 0 || compressed.size() > UINT32_MAX;
  inflateEnd(&stream);
  if (trailing) return invalid("data after the gzip stream");
  return output;
}

}  // namespace margo
