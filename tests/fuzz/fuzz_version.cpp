// libFuzzer target: Debian versions (debversion/version.hpp). The input is up to
// three versions separated by '\n'. Parsing never throws; what parses must
// compare as a total order (reflexive, antisymmetric, transitive), strict parsing
// implies lenient parsing, and a version rebuilt from its parts compares equal.
#include "debversion/version.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using acikit::debversion::Version;

namespace {

void require(bool ok)
{
  if (!ok) {
    std::abort();
  }
}

int sign(int c) { return c < 0 ? -1 : c > 0 ? 1 : 0; }

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<Version> vs;
  std::size_t start = 0;
  for (int i = 0; i < 3 && start <= text.size(); ++i) {
    auto nl = text.find('\n', start);
    std::string_view part = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    start = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    auto lenient = Version::parse(part);
    auto strict = Version::parse_strict(part);
    if (strict) {
      require(bool(lenient));
      require(strict.value().warning().empty());
      require(compare(strict.value(), lenient.value()) == 0);
    }
    if (!lenient) {
      continue;
    }
    const Version& v = lenient.value();
    require(compare(v, v) == 0);
    // The same version from its parts; and its text parses to an equal one.
    bool epoch = v.epoch() != 0 || (v.upstream() + v.revision()).find(':') != std::string::npos;
    std::string rebuilt = (epoch ? std::to_string(v.epoch()) + ":" : std::string()) + v.upstream() +
                          (v.revision().empty() ? std::string() : "-" + v.revision());
    auto r = Version::parse(rebuilt);
    require(bool(r) && compare(r.value(), v) == 0);
    auto again = Version::parse(v.str());
    require(bool(again) && compare(again.value(), v) == 0 && again.value().str() == v.str());
    vs.push_back(v);
  }
  for (const auto& a : vs) {
    for (const auto& b : vs) {
      require(sign(compare(a, b)) == -sign(compare(b, a)));
      for (const auto& c : vs) {
        if (compare(a, b) <= 0 && compare(b, c) <= 0) {
          require(compare(a, c) <= 0);
        }
      }
    }
  }
  return 0;
}
