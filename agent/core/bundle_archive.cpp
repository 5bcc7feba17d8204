#include "agent/core/bundle_archive.hpp"

#include <algorithm>
#include <set>
#include <utility>

#include "agent/codec/gzip.hpp"

namespace margo {
namespace {

constexpr std::size_t kBlock = 512;

Error invalid_bundle(const std::string& reason) {
  return security_error("bundle.invalid", "bundle: " + reason);
}

std::string_view field(std::string_view header, std::size_t offset, std::size_t length) {
  std::string_view value = header.substr(offset, length);
  const auto nul = value.find('\0');
  return nul == std::string_view::npos ? value : value.substr(0, nul);
}

// Octal numbers in tar headers: digits, padded with spaces or NULs. Base-256 (GNU) is refused: no
// honest bundle needs an entry of 8 GiB.
bool parse_octal(std::string_view text, std::uint64_t& value) {
  value = 0;
  bool digits = false;
  for (const char c : text) {
    if (c == ' ' || c == '\0') {
      if (digits) break;
      continue;
    }
    if (c < '0' || c > '7') return false;
    if (value > (UINT64_MAX >> 3)) return false;
    value = (value << 3) | static_cast<std::uint64_t>(c - '0');
    digits = true;
  }
  return digits;
}

bool checksum_matches(std::string_view header) {
  std::uint64_t stored = 0;
  if (!parse_octal(header.substr(148, 8), stored)) return false;
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < kBlock; ++i) {
    sum += (i >= 148 && i < 156) ? static_cast<unsigned char>(' ') : static_cast<unsigned char>(header[i]);
  }
  return sum == stored;
}

bool all_zero(std::string_view block) {
  return std::all_of(block.begin(), block.end(), [](char c) { return c == '\0'; });
}

// A name is acceptable when, after an optional "./", it is one plain file name.
Result<std::string> root_file_name(std::string_view name) {
  if (name.substr(0, 2) == "./") name.remove_prefix(2);
  if (name.empty() || name.size() > 255)
    return invalid_bundle("entry name is empty or longer than 255 bytes");
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\')
      return invalid_bundle("entry '" + std::string(name.substr(0, 80)) + "' is not at the root");
    if (byte < 0x20 || byte == 0x7f) return invalid_bundle("entry name has control characters");
  }
  if (name == "." || name == "..")
    return invalid_bundle("entry name '" + std::string(name) + "' is not a file name");
  return std::string(name);
}

// With sub-directories allowed: a relative path of plain names. A directory entry's trailing '/' is
// dropped; a file's name may not end in one.
Result<std::string> relative_path(std::string_view name, std::size_t max_depth, bool directory) {
  constexpr std::size_t kMaxPathLength = 1024;
  const std::string shown(name.substr(0, 80));
  if (name.substr(0, 2) == "./") name.remove_prefix(2);
  if (directory && !name.empty() && name.back() == '/') name.remove_suffix(1);
  if (name.empty() || name.size() > kMaxPathLength)
    return invalid_bundle("entry name is empty or longer than " + std::to_string(kMaxPathLength) + " bytes");
  if (name.front() == '/') return invalid_bundle("entry '" + shown + "' is an absolute path");
  std::size_t depth = 0;
  std::string_view rest = name;
  while (true) {
    const auto slash = rest.find('/');
    const std::string_view component = rest.substr(0, slash);
    if (component.empty() || component == "." || component == ".." || component.size() > 255)
      return invalid_bundle("entry '" + shown + "' has an empty, '.' or '..' path component");
    for (const char c : component) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '\\') return invalid_bundle("entry '" + shown + "' has a backslash");
      if (byte < 0x20 || byte == 0x7f) return invalid_bundle("entry name has control characters");
    }
    if (++depth > max_depth)
      return invalid_bundle("entry '" + shown + "' is more than " + std::to_string(max_depth) +
                            " levels deep");
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return std::string(name);
}

// "a/b/c" needs directories "a" and "a/b": none of them may also be a file, and the file may not be
// a directory another entry needs.
Status check_no_file_directory_clash(const std::string& name, const std::set<std::string>& files,
                                     std::set<std::string>& directories) {
  if (directories.count(name))
    return invalid_bundle("entry '" + name.substr(0, 80) + "' is also a directory");
  for (auto slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
    const std::string directory = name.substr(0, slash);
    if (files.count(directory))
      return invalid_bundle("entry '" + directory.substr(0, 80) + "' is also a directory");
    directories.insert(directory);
  }
  return {};
}

// PAX extended header records ("<length> <key>=<value>\n"); only "path" matters to us.
Result<std::string> pax_path(std::string_view records) {
  std::string path;
  while (!records.empty()) {
    const auto space = records.find(' ');
    if (space == std::string_view::npos || space == 0 || space > 20)
      return invalid_bundle("malformed PAX header");
    std::uint64_t length = 0;
    for (const char c : records.substr(0, space)) {
      if (c < '0' || c > '9') return invalid_bundle("malformed PAX header");
      length = length * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (length <= space + 1 || length > records.size() || records[length - 1] != '\n')
      return invalid_bundle("malformed PAX header");
    const std::string_view record = records.substr(space + 1, length - space - 2);
    const auto equals = record.find('=');
    if (equals == std::string_view::npos) return invalid_bundle("malformed PAX header");
    const std::string_view key = record.substr(0, equals);
    if (key == "path") path = std::string(record.substr(equals + 1));
    if (key == "linkpath") return invalid_bundle("PAX header names a link");
    if (key == "size" || key.substr(0, 8) == "GNU.spar")
      return invalid_bundle("PAX size and sparse records are not supported");
    records.remove_prefix(length);
  }
  return path;
}

}  // namespace

Result<std::vector<BundleEntry>> extract_bundle(std::string_view gzip_tar, const BundleLimits& limits) {
  auto tar = gunzip_limited(gzip_tar, limits.max_uncompressed_bytes);
  if (!tar) return invalid_bundle(tar.error().message);
  const std::string_view data = *tar;

  std::vector<BundleEntry> entries;
  std::set<std::string> names;
  std::set<std::string> directories;  // implied by the names, with allow_subdirectories
  std::string pending_pax_path;
  std::size_t offset = 0;
  while (true) {
    if (offset + kBlock > data.size()) {
      if (offset == data.size() && !entries.empty()) break;  // no end-of-archive blocks: tolerated
      return invalid_bundle("truncated tar (header at byte " + std::to_string(offset) + ")");
    }
    const std::string_view header = data.substr(offset, kBlock);
    if (all_zero(header)) break;  // end of archive
    if (!checksum_matches(header))
      return invalid_bundle("bad tar header checksum at byte " + std::to_string(offset));

    std::uint64_t size = 0;
    if (!parse_octal(header.substr(124, 12), size))
      return invalid_bundle("bad entry size at byte " + std::to_string(offset));
    const std::size_t padded = (size + kBlock - 1) / kBlock * kBlock;
    if (size > data.size() || offset + kBlock + padded > data.size())
      return invalid_bundle("entry at byte " + std::to_string(offset) + " runs past the end of the archive");
    const std::string_view body = data.substr(offset + kBlock, size);
    offset += kBlock + padded;

    const char type = header[156];
    if (type == 'x') {
      auto path = pax_path(body);
      if (!path) return path.error();
      pending_pax_path = *path;
      continue;
    }
    if (type == 'g') continue;  // global PAX header: nothing in it concerns files at the root

    std::string raw_name(field(header, 0, 100));
    if (field(header, 257, 6) == "ustar" && !field(header, 345, 155).empty())
      raw_name = std::string(field(header, 345, 155)) + "/" + raw_name;
    if (!pending_pax_path.empty()) raw_name = std::exchange(pending_pax_path, std::string());

    if (type == '5') {
      if (raw_name == "./" || raw_name == ".") continue;  // the root itself, as `tar -C dir .` writes it
      if (limits.allow_subdirectories) {
        auto path = relative_path(raw_name, limits.max_depth, true);
        if (!path) return path.error();
        continue;  // directories follow from the files' paths
      }
      return invalid_bundle("entry '" + raw_name.substr(0, 80) +
                            "' is a directory; deployments must be at the root");
    }
    if (type != '0' && type != '\0' && type != '7') {
      const std::string kind = type == '1' ? "hard link" : type == '2' ? "symbolic link" : "special file";
      return invalid_bundle("entry '" + raw_name.substr(0, 80) + "' is a " + kind +
                            "; only regular files are allowed");
    }
    auto name = limits.allow_subdirectories ? relative_path(raw_name, limits.max_depth, false)
                                            : root_file_name(raw_name);
    if (!name) return name.error();
    if (size > limits.max_entry_bytes)
      return invalid_bundle("entry '" + *name + "' is larger than " + std::to_string(limits.max_entry_bytes) +
                            " bytes");
    if (names.count(*name)) return invalid_bundle("entry '" + *name + "' appears twice");
    if (limits.allow_subdirectories) {
      if (auto clash = check_no_file_directory_clash(*name, names, directories); !clash) return clash.error();
    }
    names.insert(*name);
    if (entries.size() == limits.max_entries)
      return invalid_bundle("more than " + std::to_string(limits.max_entries) + " entries");
    entries.push_back({std::move(name).value(), std::string(body)});
  }
  if (entries.empty()) return invalid_bundle("no files in the archive");
  return entries;
}

}  // namespace margo
