#pragma once
// The two request headers the fake WFM negotiates on: Accept (RFC 9110 12.5.1) and If-None-Match
// (RFC 9110 13.1.2).

#include <string_view>

namespace margo::fake {

// True when the Accept value admits the media type, directly or through type/* or */*, with q > 0.
bool accepts_media_type(std::string_view accept, std::string_view media_type);

// True when the If-None-Match value is "*" or lists the entity tag (weak comparison: W/ ignored).
bool if_none_match_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace margo::fake
