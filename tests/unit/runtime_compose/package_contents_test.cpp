#include <catch2/catch.hpp>

#include "agent/runtime/compose/package_contents.hpp"
#include "fakes/archive/tar_writer.hpp"

using namespace margo;
using namespace margo::fake;

namespace {

constexpr std::size_t kLimit = 1024 * 1024;
const std::string kCompose = "services:\n  app:\n    image: margo-test/busybox:1\n";

Error error_for(const std::string& bytes, std::size_t limit = kLimit) {
  auto contents = unpack_package(bytes, limit);
  REQUIRE_FALSE(contents.ok());
  return contents.error();
}

}  // namespace

TEST_CASE("a plain compose file is stored as compose.yaml", "[compose][contents]") {
  auto contents = unpack_package(kCompose, kLimit);
  REQUIRE(contents.ok());
  CHECK(contents->compose_file == "compose.yaml");
  REQUIRE(contents->files.size() == 1);
  CHECK(contents->files[0].content == kCompose);
}

TEST_CASE("a tar.gz is recognised by its bytes and may hold configuration in sub-directories",
          "[compose][contents]") {
  const std::string archive = gzip(tar({{"./", "", '5'},
                                        {"./compose.yaml", kCompose},
                                        {"./config/", "", '5'},
                                        {"./config/app.ini", "[app]\n"},
                                        {"config/deep/x.txt", "x"}}));
  auto contents = unpack_package(archive, kLimit);
  REQUIRE(contents.ok());
  CHECK(contents->compose_file == "compose.yaml");
  REQUIRE(contents->files.size() == 3);
  CHECK(contents->files[1].path == "config/app.ini");
  CHECK(contents->files[2].path == "config/deep/x.txt");

  for (const std::string name : {"compose.yml", "docker-compose.yaml", "docker-compose.yml"}) {
    auto other = unpack_package(gzip(tar({{name, kCompose}})), kLimit);
    REQUIRE(other.ok());
    CHECK(other->compose_file == name);
  }
}

TEST_CASE("an archive without exactly one compose file at its root is refused", "[compose][contents]") {
  CHECK(error_for(gzip(tar({{"README", "x"}}))).code == "compose.invalid_file");
  CHECK(error_for(gzip(tar({{"sub/compose.yaml", kCompose}}))).code == "compose.invalid_file");
  const Error two = error_for(gzip(tar({{"compose.yaml", kCompose}, {"docker-compose.yml", kCompose}})));
  CHECK(two.code == "compose.invalid_file");
  CHECK_THAT(two.message, Catch::Contains("both"));
}

TEST_CASE("hostile archive entries are refused as a security error", "[compose][contents]") {
  const std::vector<std::pair<TarEntry, std::string>> hostile = {
      {{"../compose.yaml", kCompose}, "'..'"},
      {{"config/../../etc/passwd", "x"}, "'..'"},
      {{"/etc/passwd", "x"}, "absolute"},
      {{"a//b", "x"}, "empty"},
      {{"./.", "x"}, "'.'"},
      {{"link", "", '2'}, "symbolic link"},
      {{"hard", "", '1'}, "hard link"},
      {{"dev", "", '3'}, "special file"},
      {{"fifo", "", '6'}, "special file"},
      {{"../", "", '5'}, "'..'"},
      {{"a\\b", "x"}, "backslash"},
      {{"a/b/c/d/e/f/g/h/i/j", "x"}, "levels deep"},
  };
  for (const auto& [entry, reason] : hostile) {
    INFO(entry.name);
    const Error error = error_for(gzip(tar({{"compose.yaml", kCompose}, entry})));
    CHECK(error.code == "compose.invalid_package");
    CHECK(error.error_class == ErrorClass::security);
    CHECK_THAT(error.message, Catch::Contains(reason));
  }
  // A file and a directory under one name.
  CHECK_THAT(error_for(gzip(tar({{"compose.yaml", kCompose}, {"conf", "x"}, {"conf/a", "y"}}))).message,
             Catch::Contains("also a directory"));
  CHECK_THAT(error_for(gzip(tar({{"compose.yaml", kCompose}, {"conf/a", "y"}, {"conf", "x"}}))).message,
             Catch::Contains("also a directory"));
  // A PAX path is checked like any name.
  CHECK(error_for(gzip(tar({{"compose.yaml", kCompose},
                            {"PaxHeader", pax_record("path", "../../root/.ssh/authorized_keys"), 'x'},
                            {"innocent", "x"}})))
            .code == "compose.invalid_package");
}

TEST_CASE("size limits hold for the archive and for each entry", "[compose][contents]") {
  const std::string big(5000, 'x');
  CHECK_THAT(error_for(gzip(tar({{"compose.yaml", kCompose}, {"big", big}})), 4096).message,
             Catch::Contains("bomb") || Catch::Contains("larger than"));
  // 64 MiB of zeros compress to about 64 KiB: refused at the limit, not after inflating it all.
  const std::string bomb = gzip(tar({{"compose.yaml", std::string(64 * 1024 * 1024, '\0')}}), 9);
  CHECK_THAT(error_for(bomb).message, Catch::Contains("decompression bomb"));
  CHECK(error_for("\x1f\x8b not really gzip").code == "compose.invalid_package");
}
