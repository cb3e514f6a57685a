// libFuzzer target: Release files (repo/release.hpp) on any plaintext, as if
// verified, and the RFC 2822 date parser. Bad input is an
// acikit::Error(bad_input) naming the file; a parsed release lists files with
// 64-digit lower-case SHA256 values that find() returns.
#include "repo/release.hpp"
#include "signature/signature.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

void require(bool ok)
{
  if (!ok) {
    std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)acikit::repo::parse_release_date(text);
  try {
    auto r = acikit::repo::Release::parse(
        acikit::signature::make_signed_text_for_testing(text, "0123456789ABCDEF0123456789ABCDEF01234567"),
        "InRelease");
    for (const auto& [path, f] : r.files()) {
      require(f.path == path && r.find(path) == &f);
      require(f.sha256.size() == 64 && f.sha256.find_first_not_of("0123456789abcdef") == std::string::npos);
    }
    (void)r.matches("bookworm");
  } catch (const acikit::Error& e) {
    require(e.code() == acikit::ExitCode::bad_input);
    require(e.where().rfind("InRelease", 0) == 0);
  }
  return 0;
}
