#include "agent/adapters/http/response_reader.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <vector>

#include "agent/codec/gzip.hpp"

namespace margo {
namespace {

namespace http = boost::beast::http;

// What a parse error means to someone reading the log.
std::string describe(const boost::beast::error_code& error) {
  if (error.category() != http::make_error_code(http::error::need_more).category()) return error.message();
  switch (static_cast<http::error>(error.value())) {
    case http::error::bad_version:
    case http::error::bad_status:
    case http::error::bad_reason:
      return "malformed status line (" + error.message() + ")";
    case http::error::bad_line_ending:
    case http::error::bad_field:
    case http::error::bad_value:
    case http::error::bad_obs_fold:
      return "malformed header field (" + error.message() + ")";
    case http::error::bad_content_length:
      return "invalid or conflicting Content-Length";
    case http::error::bad_transfer_encoding:
      return "unsupported Transfer-Encoding";
    case http::error::bad_chunk:
    case http::error::bad_chunk_extension:
      return "malformed chunk in a chunked body";
    case http::error::header_limit:
      return "response head larger than " + std::to_string(ResponseReader::kMaxHeadBytes / 1024) + " KiB";
    default:
      return error.message();
  }
}

std::string lower_trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::string lowered(text);
  for (char& c : lowered)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lowered;
}

// Every content coding the response lists, in order, without "identity".
std::vector<std::string> content_codings(const HttpHeaders& headers) {
  std::vector<std::string> codings;
  for (const HttpHeader& field : headers) {
    if (!iequals(field.name, "Content-Encoding")) continue;
    std::string_view list = field.value;
    while (!list.empty()) {
      const auto comma = list.find(',');
      std::string coding = lower_trimmed(list.substr(0, comma));
      if (!coding.empty() && coding != "identity") codings.push_back(std::move(coding));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
  return codings;
}

}  // namespace

struct ResponseReader::Parser {
  http::response_parser<http::string_body> beast;
};

ResponseReader::ResponseReader(bool head_request, std::size_t max_body_bytes)
    : head_request_(head_request), max_body_bytes_(max_body_bytes) {}

ResponseReader::~ResponseReader() = default;

ResponseReader::Progress ResponseReader::feed(const char* data, std::size_t size) {
  if (failure_ != Failure::none) return Progress::failed;
  if (size > 0) received_anything_ = true;
  pending_.append(data, size);
  return parse_pending();
}

ResponseReader::Progress ResponseReader::parse_pending() {
  for (;;) {
    if (!parser_) {
      parser_ = std::make_unique<Parser>();
      parser_->beast.header_limit(kMaxHeadBytes);
      parser_->beast.body_limit(max_body_bytes_);
      // Not eager: Beast 1.74 in eager mode goes on parsing after finishing a head it has just
      // refused, so a Content-Length over body_limit was taken in (found by fuzzing).
      parser_->beast.skip(head_request_);
    }
    if (pending_.empty()) return Progress::need_more;
    boost::beast::error_code error;
    const std::size_t used = parser_->beast.put(boost::asio::buffer(pending_.data(), pending_.size()), error);
    pending_.erase(0, used);
    if (error == http::error::need_more) return Progress::need_more;
    if (error == http::error::body_limit)
      return fail(Failure::too_large, "response body exceeds " + std::to_string(max_body_bytes_) + " bytes");
    if (error) return fail(Failure::bad_response, describe(error));
    if (parser_->beast.is_header_done()) {
      // RFC 9110 section 15: three digits, and values outside 100..599 are invalid.
      const unsigned status = parser_->beast.get().result_int();
      if (status < 100 || status > 599)
        return fail(Failure::bad_response, "status code " + std::to_string(status) + " outside 100..599");
    }
    if (parser_->beast.is_done()) {
      const unsigned status = parser_->beast.get().result_int();
      if (status == 101) return fail(Failure::bad_response, "unexpected 101 Switching Protocols");
      if (status / 100 != 1) return finish();
      parser_.reset();  // an interim response: the final one follows on the same connection
      continue;
    }
    if (used == 0) return Progress::need_more;
  }
}

ResponseReader::Progress ResponseReader::end_of_stream() {
  if (failure_ != Failure::none) return Progress::failed;
  if (!received_anything_) return fail(Failure::truncated, "connection closed before any response");
  if (!parser_ || !parser_->beast.is_header_done() || !pending_.empty())
    return fail(Failure::truncated, "connection closed in the middle of the response head");
  boost::beast::error_code error;
  parser_->beast.put_eof(error);
  if (error || !parser_->beast.is_done())
    return fail(Failure::truncated, "connection closed before the response body was complete");
  return finish();
}

ResponseReader::Progress ResponseReader::finish() {
  auto& parser = parser_->beast;
  auto& message = parser.get();
  reusable_ = parser.keep_alive() && !parser.need_eof() && pending_.empty();
  response_.status = static_cast<int>(message.result_int());
  for (const auto& field : message)
    response_.headers.add(std::string(field.name_string()), std::string(field.value()));
  response_.body = std::move(message.body());
  parser_.reset();

  const bool has_content = !head_request_ && response_.status != 204 && response_.status != 304;
  const std::vector<std::string> codings = content_codings(response_.headers);
  if (!has_content || codings.empty()) return Progress::complete;
  if (codings.size() != 1 || (codings.front() != "gzip" && codings.front() != "x-gzip")) {
    std::string listed;
    for (const std::string& coding : codings) listed += (listed.empty() ? "" : ", ") + coding;
    return fail(Failure::bad_response, "unsupported Content-Encoding '" + listed.substr(0, 80) + "'");
  }
  auto decoded = gunzip_limited(response_.body, max_body_bytes_);
  if (!decoded) {
    if (decoded.error().code == "gzip.too_large")
      return fail(Failure::too_large, "gzip-encoded response body " + decoded.error().message);
    return fail(Failure::bad_response, "Content-Encoding gzip: " + decoded.error().message);
  }
  response_.body = std::move(decoded).value();
  response_.headers.remove("Content-Encoding");
  response_.headers.remove("Content-Length");
  return Progress::complete;
}

ResponseReader::Progress ResponseReader::fail(Failure failure, std::string reason) {
  failure_ = failure;
  failure_reason_ = std::move(reason);
  reusable_ = false;
  return Progress::failed;
}

HttpResponse ResponseReader::take_response() {
  return std::move(response_);
}

}  // namespace margo
