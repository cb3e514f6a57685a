#include <catch2/catch.hpp>

#include "aci/annotations.hpp"

#include <string>

using namespace acikit::aci;

// RFC 3339 §5.7: the day must exist (Appendix C's leap years).
TEST_CASE("aci-rfc3339-days-that-do-not-exist-are-refused")
{
  auto [s, ok] = GENERATE(table<std::string, bool>({
      {"2024-02-30T00:00:00Z", false},
      {"2024-04-31T00:00:00Z", false},
      {"2023-02-29T00:00:00Z", false},
      {"1900-02-29T00:00:00Z", false},  // divisible by 100, not by 400
      {"2024-06-31T00:00:00Z", false},
      {"2024-00-10T00:00:00Z", false},
      {"2024-01-00T00:00:00Z", false},
      {"2024-02-29T00:00:00Z", true},
      {"2000-02-29T00:00:00Z", true},  // divisible by 400
      {"2024-04-30T23:59:59Z", true},
      {"2024-12-31T00:00:00Z", true},
  }));
  CAPTURE(s);
  CHECK(is_rfc3339_date_time(s) == ok);
}

// Decided (annotations.cpp): read as RFC 3339 allows, lower-case 't'/'z'
// (§5.6 NOTE) and second 60 (§5.7 leap second); 61 is never valid.
TEST_CASE("aci-rfc3339-lower-case-t-z-and-leap-second-60-are-accepted")
{
  CHECK(is_rfc3339_date_time("2016-12-31t23:59:60z"));
  CHECK(is_rfc3339_date_time("2016-12-31T23:59:60Z"));
  CHECK_FALSE(is_rfc3339_date_time("2016-12-31T23:59:61Z"));
}

TEST_CASE("aci-annotation-created-on-february-30-is-refused")
{
  auto id = [](const char* n) { return AcIdentifier::parse(n).value(); };
  CHECK(Annotations::parse({{id("created"), "2024-02-30T00:00:00Z"}}).error() ==
        "annotation 'created': '2024-02-30T00:00:00Z' is not an RFC 3339 date-time");
}
