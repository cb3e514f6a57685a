#include <catch2/catch.hpp>

#include "entries/path_filter.hpp"

using namespace acikit;
using entries::path_excluded;

TEST_CASE("path-filter-dpkg-semantics")
{
  std::vector<entries::PathFilterRule> rules = {{false, "/usr/share/doc/*"},
                                                {true, "/usr/share/doc/*/copyright"},
                                                {false, "/usr/share/locale/*"}};
  CHECK_FALSE(path_excluded(rules, "usr/bin/x", false));
  CHECK_FALSE(path_excluded(rules, "usr/share/doc", true));  // "/usr/share/doc" is not "/usr/share/doc/*"
  CHECK(path_excluded(rules, "usr/share/doc/p/changelog.gz", false));
  CHECK_FALSE(path_excluded(rules, "usr/share/doc/p/copyright", false));
  CHECK_FALSE(path_excluded(rules, "usr/share/doc/p", true));  // needed by the include
  CHECK(path_excluded(rules, "usr/share/doc/p/examples/a/b", false));  // '*' matches '/'
  CHECK(path_excluded(rules, "usr/share/locale/de", true));
  CHECK_FALSE(path_excluded({}, "anything", false));
  // the last match wins
  CHECK(path_excluded({{true, "/a/*"}, {false, "/a/*"}}, "a/b", false));
  CHECK_FALSE(path_excluded({{false, "/a/*"}, {true, "/a/*"}}, "a/b", false));
}
