// Regression tests for what tests/fuzz/fuzz_version found.
#include <catch2/catch.hpp>

#include "debversion/version.hpp"

#include <string>
#include <vector>

using acikit::debversion::Version;

TEST_CASE("version-embedded-nul-refused", "[debversion][fuzz]")
{
  // dpkg reads versions as C strings; a NUL compared like a digit or the end.
  for (std::string text : {std::string("1.0\0", 4), std::string("\0\0\0\x1e", 4), std::string("1:2\0-3", 6),
                           std::string("1.0-1\0", 6)}) {
    INFO(text.size());
    auto lenient = Version::parse(text);
    REQUIRE_FALSE(lenient.ok());
    CHECK(lenient.error() == "version string has an embedded NUL byte");
    CHECK_FALSE(Version::parse_strict(text).ok());
  }
}

TEST_CASE("version-compare-cycle-from-fuzz-d6c84654", "[debversion][fuzz]")
{
  // fuzz_version crash-d6c84654...: a > b, b > c and c > a when b and c held NULs
  // (a std::sort over such versions is undefined behaviour). They are refused now;
  // what remains of the input still compares as a total order.
  const std::string b("1D999999999\0\0\0\0\x8a", 16);
  const std::string c("\0\0\0\x1e", 4);
  CHECK_FALSE(Version::parse(b).ok());
  CHECK_FALSE(Version::parse(c).ok());
  std::vector<Version> vs;
  for (const char* text : {"199991a", "1D999999999", "1D999999999\x8a", "\x1e", "1a", "1"}) {
    auto r = Version::parse(text);
    REQUIRE(r.ok());
    vs.push_back(r.value());
  }
  for (const auto& x : vs) {
    for (const auto& y : vs) {
      CHECK((compare(x, y) < 0) == (compare(y, x) > 0));
      for (const auto& z : vs) {
        if (compare(x, y) <= 0 && compare(y, z) <= 0) {
          CHECK(compare(x, z) <= 0);
        }
      }
    }
  }
}
