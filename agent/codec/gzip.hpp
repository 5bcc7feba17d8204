#pragma once
// gzip decoding with a cap on what it produces, shared by the bundle reader (core) and the HTTP
// client's Content-Encoding (adapters). Pure computation over zlib.

#include <cstddef>
#include <string>
#include <string_view>

#include "agent/ports/result.hpp"

namespace margo {

// One gzip member to its bytes. Errors (permanent; callers wrap them in their own code):
// gzip.too_large when the output would pass max_bytes (a decompression bomb), gzip.invalid when the
// data is not gzip, is truncated, or has bytes after the member.
Result<std::string> gunzip_limited(std::string_view compressed, std::size_t max_bytes);

}  // namespace margo
