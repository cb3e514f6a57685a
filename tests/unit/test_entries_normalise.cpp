#include <catch2/catch.hpp>

#include "entries/entry.hpp"

using namespace acikit;

TEST_CASE("normalise-path-forms")
{
  using entries::normalise_path;
  CHECK(normalise_path("./usr/bin/x", "t") == "usr/bin/x");
  CHECK(normalise_path("usr//lib/", "t") == "usr/lib");
  CHECK(normalise_path("./", "t") == "");
  CHECK(normalise_path("/etc/passwd", "t", entries::Absolute::strip) == "etc/passwd");
  CHECK_THROWS_WITH(normalise_path("/etc/passwd", "a.deb"), "a.deb: absolute member name '/etc/passwd'");
  CHECK_THROWS_WITH(normalise_path("./usr/../../x", "a.deb"), "a.deb: member name with '..': './usr/../../x'");
}
