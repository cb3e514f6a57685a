// libFuzzer target: apt sources (repo/sources.hpp). The first byte chooses the
// form: deb822 ".sources" (odd) or one-line ".list" (even). Bad input is an
// acikit::Error(bad_input) naming the file; every Source has a URI without a
// trailing '/', a suite and an origin.
#include "repo/sources.hpp"
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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0) {
    return 0;
  }
  std::string file = (data[0] & 1) ? "fuzz.sources" : "fuzz.list";
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    for (const auto& s : acikit::repo::parse_sources(text, file)) {
      require(!s.uri.empty() && s.uri.back() != '/');
      require(!s.suite.empty());
      require(s.origin.rfind(file, 0) == 0);
    }
  } catch (const acikit::Error& e) {
    require(e.code() == acikit::ExitCode::bad_input);
    require(e.where().rfind(file, 0) == 0);
  }
  return 0;
}
