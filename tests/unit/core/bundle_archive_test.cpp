#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "agent/core/bundle_archive.hpp"
#include "fakes/archive/tar_writer.hpp"

using namespace margo;
using namespace margo::fake;

namespace {

std::string bundle_error(const std::string& gzip_tar, const BundleLimits& limits = {}) {
  auto entries = extract_bundle(gzip_tar, limits);
  REQUIRE_FALSE(entries.ok());
  CHECK(entries.error().code == "bundle.invalid");
  CHECK(entries.error().error_class == ErrorClass::security);
  return entries.error().message;
}

}  // namespace

TEST_CASE("a bundle of YAML files at the root unpacks byte for byte") {
  const std::string yaml_a = "id: a\nkind: ApplicationDeployment\n";
  const std::string yaml_b(1000, 'b');
  auto entries = extract_bundle(gzip(tar({{"a.yaml", yaml_a}, {"./b.yaml", yaml_b}, {"empty.yaml", ""}})));
  REQUIRE(entries.ok());
  REQUIRE(entries->size() == 3);
  CHECK((*entries)[0].name == "a.yaml");
  CHECK((*entries)[0].content == yaml_a);
  CHECK((*entries)[1].name == "b.yaml");
  CHECK((*entries)[1].content == yaml_b);
  CHECK((*entries)[2].content.empty());
}

TEST_CASE("archives made by GNU tar, in gnu and posix formats, with the ./ root entry, unpack") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("margo-bundle-" + std::to_string(::getpid()));
  fs::create_directories(dir / "content");
  std::ofstream(dir / "content" / "one.yaml") << "id: one\n";
  std::ofstream(dir / "content" /
                "a-rather-long-file-name-that-needs-more-than-one-hundred-characters-in-a-plain-ustar-header-"
                "name-field.yaml")
      << "id: two\n";
  for (const char* format : {"gnu", "posix"}) {
    INFO(format);
    const fs::path archive = dir / (std::string(format) + ".tgz");
    const std::string command = "tar --format=" + std::string(format) + " -C " + (dir / "content").string() +
                                " -czf " + archive.string() + " . 2>/dev/null";
    REQUIRE(std::system(command.c_str()) == 0);
    std::ifstream file(archive, std::ios::binary);
    std::stringstream bytes;
    bytes << file.rdbuf();
    auto entries = extract_bundle(bytes.str());
    if (std::string(format) == "gnu") {
      // GNU long names use 'L' entries, which the reader does not take: refused, not misread.
      CHECK_FALSE(entries.ok());
      continue;
    }
    REQUIRE(entries.ok());
    CHECK(entries->size() == 2);
  }
  fs::remove_all(dir);
}

TEST_CASE("links, devices, directories and paths outside the root are refused") {
  CHECK_THAT(bundle_error(gzip(tar({{"evil", "", '2'}}))), Catch::Contains("symbolic link"));
  CHECK_THAT(bundle_error(gzip(tar({{"evil", "", '1'}}))), Catch::Contains("hard link"));
  CHECK_THAT(bundle_error(gzip(tar({{"dev", "", '3'}}))), Catch::Contains("special file"));
  CHECK_THAT(bundle_error(gzip(tar({{"fifo", "", '6'}}))), Catch::Contains("special file"));
  CHECK_THAT(bundle_error(gzip(tar({{"sub/", "", '5'}}))), Catch::Contains("directory"));
  CHECK_THAT(bundle_error(gzip(tar({{"../etc/passwd", "x"}}))), Catch::Contains("not at the root"));
  CHECK_THAT(bundle_error(gzip(tar({{"/etc/passwd", "x"}}))), Catch::Contains("not at the root"));
  CHECK_THAT(bundle_error(gzip(tar({{"sub/a.yaml", "x"}}))), Catch::Contains("not at the root"));
  CHECK_THAT(bundle_error(gzip(tar({{"a.yaml", "x", '0', "etc"}}))), Catch::Contains("not at the root"));
  CHECK_THAT(bundle_error(gzip(tar({{"..", "x"}}))), Catch::Contains("not a file name"));
  CHECK_THAT(bundle_error(gzip(tar({{"a\\b", "x"}}))), Catch::Contains("not at the root"));
  CHECK_THAT(bundle_error(gzip(tar({{"a\nb", "x"}}))), Catch::Contains("control characters"));
  CHECK_THAT(bundle_error(gzip(tar({{"a.yaml", "x"}, {"a.yaml", "y"}}))), Catch::Contains("twice"));
}

TEST_CASE("a PAX path is checked like any name, and PAX links are refused") {
  const std::string traversal = pax_record("path", "../../root/.ssh/authorized_keys");
  CHECK_THAT(bundle_error(gzip(tar({{"PaxHeader", traversal, 'x'}, {"innocent.yaml", "x"}}))),
             Catch::Contains("not at the root"));
  const std::string link = pax_record("linkpath", "/etc/shadow");
  CHECK_THAT(bundle_error(gzip(tar({{"PaxHeader", link, 'x'}, {"a.yaml", "x"}}))), Catch::Contains("link"));
  auto renamed =
      extract_bundle(gzip(tar({{"PaxHeader", pax_record("path", "real.yaml"), 'x'}, {"x", "content"}})));
  REQUIRE(renamed.ok());
  CHECK((*renamed)[0].name == "real.yaml");
  CHECK_THAT(bundle_error(gzip(tar({{"PaxHeader", "garbage", 'x'}, {"a", "x"}}))), Catch::Contains("PAX"));
}

TEST_CASE("size limits: too many entries, a too large entry, a decompression bomb") {
  std::vector<TarEntry> many;
  for (int i = 0; i < 11; ++i) many.push_back({"f" + std::to_string(i), "x"});
  BundleLimits limits;
  limits.max_entries = 10;
  CHECK_THAT(bundle_error(gzip(tar(many)), limits), Catch::Contains("more than 10 entries"));

  limits = BundleLimits{};
  limits.max_entry_bytes = 100;
  CHECK_THAT(bundle_error(gzip(tar({{"big", std::string(101, 'x')}})), limits),
             Catch::Contains("larger than 100"));

  // 64 MiB of zeros compress to about 64 KiB: the reader stops at its output limit, not at the end.
  limits = BundleLimits{};
  limits.max_uncompressed_bytes = 1024 * 1024;
  const std::string bomb = gzip(tar({{"bomb", std::string(64 * 1024 * 1024, '\0')}}), 9);
  CHECK(bomb.size() < 200 * 1024);
  CHECK_THAT(bundle_error(bomb, limits), Catch::Contains("decompression bomb"));
}

TEST_CASE("damaged archives are refused with a reason") {
  const std::string good = tar({{"a.yaml", "content"}});
  CHECK_THAT(bundle_error("not gzip at all"), Catch::Contains("gzip"));
  CHECK_THAT(bundle_error(gzip(good).substr(0, 20)), Catch::Contains("truncated"));
  CHECK_THAT(bundle_error(gzip(good) + "trailing"), Catch::Contains("after the gzip stream"));
  std::string bad_checksum = good;
  bad_checksum[0] = 'b';
  CHECK_THAT(bundle_error(gzip(bad_checksum)), Catch::Contains("checksum"));
  CHECK_THAT(bundle_error(gzip(good.substr(0, 600))), Catch::Contains("runs past the end"));
  CHECK_THAT(bundle_error(gzip(std::string(1024, '\0'))), Catch::Contains("no files"));
  CHECK_THAT(bundle_error(gzip("")), Catch::Contains("truncated"));
  // Without end-of-archive blocks the entries are still read.
  CHECK(extract_bundle(gzip(tar({{"a.yaml", "x"}}, false))).ok());
}

TEST_CASE("random damage never crashes the reader") {
  std::mt19937 random(1234);
  const std::string good = gzip(tar({{"a.yaml", std::string(3000, 'a')}, {"b.yaml", "id: b\n"}}));
  const std::string raw = tar({{"a.yaml", std::string(3000, 'a')}, {"b.yaml", "id: b\n"}});
  for (int round = 0; round < 2000; ++round) {
    std::string compressed = good;
    std::string plain = raw;
    for (int flips = 0; flips < 1 + round % 8; ++flips) {
      compressed[random() % compressed.size()] = static_cast<char>(random());
      plain[random() % plain.size()] = static_cast<char>(random());
    }
    (void)extract_bundle(compressed);
    (void)extract_bundle(gzip(plain));
    (void)extract_bundle(compressed.substr(0, random() % compressed.size()));
  }
  SUCCEED("2000 rounds of damaged input handled without crashing");
}
