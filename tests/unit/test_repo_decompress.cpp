#include <catch2/catch.hpp>

#include "repo/decompress.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/temp_dir.hpp"

#include <cstdlib>
#include <string>

using namespace acikit;

namespace {

// Compressed fixtures are made here with the standard tools (tests may use
// them; the library does not).
std::string compress(const std::string& tool, const std::string& plain)
{
  util::TempDir dir("acikit-decompress");
  const auto in = dir.path() / "in";
  const auto out = dir.path() / "out";
  util::write_file_atomic(in, plain);
  const std::string cmd = tool + " -c < '" + in.string() + "' > '" + out.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  return util::read_file(out);
}

std::string error_of(std::string_view data, const std::string& file, std::size_t max = std::size_t{1} << 31)
{
  try {
    repo::decompress_index(data, file, max);
  } catch (const Error& e) {
    return std::to_string(static_cast<int>(e.code())) + " " + e.what();
  }
  return "no error";
}

std::string sample()
{
  std::string s;
  for (int i = 0; i < 20000; ++i) {
    s += "Package: p" + std::to_string(i) + "\nVersion: 1.0-" + std::to_string(i % 7) + "\n\n";
  }
  return s;
}

} // namespace

TEST_CASE("decompress-index-xz-gz-bz2-zst-none")
{
  const std::string plain = sample();
  CHECK(repo::decompress_index(compress("xz", plain), "main/binary-amd64/Packages.xz") == plain);
  CHECK(repo::decompress_index(compress("gzip -n", plain), "main/binary-amd64/Packages.gz") == plain);
  CHECK(repo::decompress_index(compress("bzip2", plain), "Packages.bz2") == plain);
  CHECK(repo::decompress_index(compress("zstd -q", plain), "Packages.zst") == plain);
  CHECK(repo::decompress_index(plain, "main/binary-amd64/Packages") == plain);
  CHECK(repo::decompress_index("", "Packages") == "");
  CHECK(repo::decompress_index(compress("xz", ""), "Packages.xz") == "");
}

TEST_CASE("decompress-index-size-cap")
{
  const std::string plain = sample();
  const auto xz = compress("xz", plain);
  CHECK(repo::decompress_index(xz, "Packages.xz", plain.size()) == plain);
  CHECK(error_of(xz, "Packages.xz", plain.size() - 1) ==
        "1 Packages.xz: decompressed data larger than " + std::to_string(plain.size() - 1) + " bytes");
  CHECK(error_of(plain, "Packages", 10) == "1 Packages: decompressed data larger than 10 bytes");
}

TEST_CASE("decompress-index-not-what-the-name-says")
{
  CHECK(error_of("Package: plain text\n", "main/binary-amd64/Packages.xz") ==
        "1 main/binary-amd64/Packages.xz: not xz data");
  CHECK(error_of(compress("gzip -n", "x\n"), "Packages.xz") == "1 Packages.xz: not xz data");
  CHECK(error_of("", "Packages.gz").rfind("1 Packages.gz: ", 0) == 0);
}

TEST_CASE("decompress-index-truncated-xz")
{
  const auto xz = compress("xz", sample());
  const auto e = error_of(std::string_view(xz).substr(0, xz.size() / 2), "Packages.xz");
  INFO(e);
  CHECK(e.rfind("1 Packages.xz: cannot decompress", 0) == 0);
}
