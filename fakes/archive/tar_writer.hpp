#pragma once
// Writes ustar archives and gzip streams, for the fake WFM's bundles, the simulator's hostile bundles
// and the tests' archives (links, traversal, long names, pax records). Deterministic: mtime 0, owner
// root, fixed modes, a gzip header without name, time or host, so the same files always give the same
// bytes and hence the same digest.

#include <string>
#include <vector>

namespace margo::fake {

struct TarEntry {
  TarEntry(std::string entry_name, std::string entry_content, char entry_type = '0',
           std::string entry_prefix = "", std::string entry_link_target = "")
      : name(std::move(entry_name)),
        content(std::move(entry_content)),
        type(entry_type),
        prefix(std::move(entry_prefix)),
        link_target(std::move(entry_link_target)) {}
  std::string name;  // the first 100 bytes are kept
  std::string content;
  char type;                // '0' file, '2' symlink, '5' directory, 'x' pax header...
  std::string prefix;       // the ustar prefix field
  std::string link_target;  // for links
};

// One 512-byte header block declaring `size` bytes of content, checksum included.
std::string tar_header(const TarEntry& entry, std::size_t size);
// Each entry's header and content padded to whole blocks; then the two zero blocks that end an archive.
std::string tar(const std::vector<TarEntry>& entries, bool end_blocks = true);
// One "LENGTH key=value\n" record of a pax extended header.
std::string pax_record(const std::string& key, const std::string& value);
// A single gzip member.
std::string gzip(const std::string& data, int level = 9);

}  // namespace margo::fake
