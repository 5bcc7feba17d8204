// The HTTPS client's response framing (ResponseReader over Boost.Beast's parser, gzip decoding): any
// bytes from a server, cut into any pieces, end in a response or a failure, never a crash, and never
// a body over the limit.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "agent/adapters/http/response_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // The first byte chooses a HEAD request and the piece size, the second the body limit.
  const bool head_request = (data[0] & 1) != 0;
  const std::size_t piece = 1 + (data[0] >> 1);
  const std::size_t max_body = 64u << (data[1] & 7);
  margo::ResponseReader reader(head_request, max_body);
  const char* bytes = reinterpret_cast<const char*>(data + 2);
  const std::size_t length = size - 2;
  auto progress = margo::ResponseReader::Progress::need_more;
  for (std::size_t at = 0; at < length && progress == margo::ResponseReader::Progress::need_more; at += piece)
    progress = reader.feed(bytes + at, std::min(piece, length - at));
  if (progress == margo::ResponseReader::Progress::need_more) progress = reader.end_of_stream();
  if (progress == margo::ResponseReader::Progress::complete) {
    const margo::HttpResponse response = reader.take_response();
    if (response.status < 100 || response.status > 599 || response.body.size() > max_body) std::abort();
    if (head_request && !response.body.empty()) std::abort();
  }
  return 0;
}
