#include "fakes/wfm/openssl_codec.hpp"

#include <openssl/evp.h>

#include <vector>

namespace margo::fake {
namespace {

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

std::string digest_with(const EVP_MD* algorithm, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), out, &length, algorithm, nullptr);
  return std::string(reinterpret_cast<const char*>(out), length);
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  const int length = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(length));
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::size_t data_length = text.size();
  while (data_length > 0 && text[data_length - 1] == '=') --data_length;
  const std::size_t padding = text.size() - data_length;
  if (padding > 2) return std::nullopt;
  for (std::size_t i = 0; i < data_length; ++i)
    if (!is_base64_char(text[i])) return std::nullopt;
  if (data_length % 4 == 1) return std::nullopt;
  // Padding, when present, must complete the last quantum exactly.
  if (padding > 0 && (data_length + padding) % 4 != 0) return std::nullopt;

  std::string padded(text.substr(0, data_length));
  const std::size_t missing = (4 - data_length % 4) % 4;
  padded.append(missing, '=');
  if (padded.empty()) return std::string();

  std::vector<unsigned char> out(padded.size() / 4 * 3);
  const int length = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(padded.data()),
                                     static_cast<int>(padded.size()));
  if (length < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes that padding stands for; drop them.
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(length) - missing);
}

std::string hex_lower(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    out.push_back(digits[value >> 4]);
    out.push_back(digits[value & 0x0f]);
  }
  return out;
}

std::string sha256_bytes(std::string_view data) {
  return digest_with(EVP_sha256(), data);
}

std::string sha512_bytes(std::string_view data) {
  return digest_with(EVP_sha512(), data);
}

std::string margo_digest(std::string_view data) {
  return "sha256:" + hex_lower(sha256_bytes(data));
}

}  // namespace margo::fake
