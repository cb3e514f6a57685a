// libFuzzer target: lockfiles (repo/lock.hpp) and RFC 3339 dates. Bad input is an
// acikit::Error(bad_input) naming the file; a lock that parses is written
// canonically, and that text reads back to itself.
#include "repo/lock.hpp"
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
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto t = acikit::repo::parse_rfc3339(text)) {
    auto again = acikit::repo::parse_rfc3339(acikit::repo::format_rfc3339(*t));
    require(again && *again == *t);
  }
  std::string canonical;
  try {
    canonical = acikit::repo::Lock::parse(text, "fuzz.lock").to_json();
  } catch (const acikit::Error& e) {
    require(e.code() == acikit::ExitCode::bad_input);
    require(e.where().rfind("fuzz.lock", 0) == 0);
    return 0;
  }
  try {
    require(acikit::repo::Lock::parse(canonical, "canonical.lock").to_json() == canonical);
  } catch (const acikit::Error&) {
    std::abort();
  }
  return 0;
}
