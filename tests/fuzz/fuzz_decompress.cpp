// libFuzzer target: index decompression (repo/decompress.hpp) on any bytes.
// The first input byte picks the index name, and so the format (xz, gz, bz2,
// lzma, zst, none: as apt names them); the second the size cap, 2^0 .. 2^20
// bytes (small caps reach the bomb check; the cap's own default is tested in
// the unit tests). Bad input is an acikit::Error(bad_input) naming the file;
// an output is never larger than the cap; and the cap is exact: the same data
// decompresses to the same bytes with the cap at the output's size, and is a
// bomb with the cap one byte below it.
#include "repo/decompress.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void require(bool ok)
{
  if (!ok) {
    std::abort();
  }
}

const char* const k_names[] = {
    "main/binary-amd64/Packages.xz", "main/binary-amd64/Packages.gz",  "main/binary-amd64/Packages.bz2",
    "main/binary-amd64/Packages.lzma", "main/binary-amd64/Packages.zst", "main/binary-amd64/Packages",
};

bool too_big(const acikit::Error& e, std::size_t cap)
{
  return e.message() == "decompressed data larger than " + std::to_string(cap) + " bytes";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size < 2) {
    return 0;
  }
  const std::string file = k_names[data[0] % (sizeof k_names / sizeof k_names[0])];
  const std::size_t cap = std::size_t{1} << (data[1] % 21);
  const std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);
  std::string out;
  try {
    out = acikit::repo::decompress_index(in, file, cap);
  } catch (const acikit::Error& e) {
    require(e.code() == acikit::ExitCode::bad_input && e.where() == file);
    return 0;
  }
  require(out.size() <= cap);
  if (file.back() == 's') {  // uncompressed: passed through as is
    require(out == in);
  }
  require(acikit::repo::decompress_index(in, file, out.size()) == out);
  if (!out.empty()) {
    try {
      (void)acikit::repo::decompress_index(in, file, out.size() - 1);
      require(false);  // the cap let more bytes through than it allows
    } catch (const acikit::Error& e) {
      require(e.code() == acikit::ExitCode::bad_input && e.where() == file && too_big(e, out.size() - 1));
    }
  }
  return 0;
}
