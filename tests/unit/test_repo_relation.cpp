#include <catch2/catch.hpp>

#include "repo/relation.hpp"

#include <string>
#include <vector>

using namespace acikit;
using repo::VersionOp;

namespace {

// Groups joined by ", ", alternatives by " | ", each in canonical form.
std::string canonical(const std::vector<repo::Alternatives>& groups)
{
  std::string out;
  for (const auto& g : groups) {
    if (!out.empty()) {
      out += ", ";
    }
    for (std::size_t i = 0; i < g.size(); ++i) {
      out += (i ? " | " : "") + g[i].str();
    }
  }
  return out;
}

debversion::Version ver(const std::string& s) { return debversion::Version::parse(s).value(); }

} // namespace

TEST_CASE("relation-parse-table")
{
  auto [field, expected] = GENERATE(table<std::string, std::string>({
      {"", ""},
      {"  \n ", ""},
      {"libc6", "libc6"},
      {"libc6 (>= 2.34)", "libc6 (>= 2.34)"},
      {"libc6(>=2.34)", "libc6 (>= 2.34)"},
      {"libc6 ( >=  2.34 )", "libc6 (>= 2.34)"},
      {"a (<< 1), b (<= 2), c (= 3), d (>= 4), e (>> 5)", "a (<< 1), b (<= 2), c (= 3), d (>= 4), e (>> 5)"},
      {"old (< 1), older (> 2)", "old (<= 1), older (>= 2)"},  // obsolete forms
      {"default-jre-headless | java17-runtime-headless", "default-jre-headless | java17-runtime-headless"},
      {"a|b|c, d", "a | b | c, d"},
      {"python3:any", "python3:any"},
      {"python3:any (>= 3.11~)", "python3:any (>= 3.11~)"},
      {"libfoo:native", "libfoo:native"},
      {"libfoo:amd64 (= 1:2.0-1)", "libfoo:amd64 (= 1:2.0-1)"},
      {"libc6 (>= 2.34),\n libgcc-s1 (>= 3.0),\n zlib1g (>= 1:1.2.0)",
       "libc6 (>= 2.34), libgcc-s1 (>= 3.0), zlib1g (>= 1:1.2.0)"},
      {"debconf (>= 0.5) | debconf-2.0", "debconf (>= 0.5) | debconf-2.0"},
      {"g++ (>= 4:12)", "g++ (>= 4:12)"},
  }));
  INFO(field);
  auto r = repo::parse_relations(field);
  REQUIRE(r.ok());
  CHECK(canonical(*r) == expected);
}

TEST_CASE("relation-parts")
{
  auto r = repo::parse_relations("libc6:any (>= 2.36) | libc6.1, zlib1g");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  REQUIRE((*r)[0].size() == 2);
  const auto& a = (*r)[0][0];
  CHECK(a.name == "libc6");
  CHECK(a.arch_qualifier == "any");
  CHECK(a.op == VersionOp::ge);
  CHECK(a.version == "2.36");
  CHECK((*r)[0][1].name == "libc6.1");
  CHECK((*r)[0][1].op == VersionOp::none);
  CHECK((*r)[0][1].version == "");
  CHECK((*r)[1][0].name == "zlib1g");
}

TEST_CASE("relation-errors")
{
  auto [field, message] = GENERATE(table<std::string, std::string>({
      {"a, , b", "empty relation"},
      {"a,", "empty relation"},
      {"a | ", "empty relation"},
      {"Libc6", "relation 'Libc6': bad package name 'Libc6'"},
      {"-a", "relation '-a': bad package name '-a'"},
      {"a+b:c (>= 1), (>= 2)", "relation '(>= 2)': bad package name ''"},
      {"foo (>= )", "relation 'foo (>= )': version: version string is empty"},
      {"foo (>= 1:)", "relation 'foo (>= 1:)': version: nothing after colon in version number"},
      {"foo (~ 1)", "relation 'foo (~ 1)': expected one of << <= = >= >> before the version"},
      {"foo (>= 1", "relation 'foo (>= 1': '(' without ')'"},
      {"foo (>= 1) bar", "relation 'foo (>= 1) bar': unexpected 'bar'"},
      {"foo (>= 1 2)", "relation 'foo (>= 1 2)': version: version string has embedded spaces"},
      {"foo:", "relation 'foo:': bad architecture qualifier ''"},
      {"foo:Any", "relation 'foo:Any': bad architecture qualifier 'Any'"},
      {"foo [amd64]", "relation 'foo [amd64]': architecture restrictions '[...]' are for source packages only"},
      {"foo [!i386] (>= 1)",
       "relation 'foo [!i386] (>= 1)': architecture restrictions '[...]' are for source packages only"},
      {"foo <!nocheck>", "relation 'foo <!nocheck>': build profiles '<...>' are for source packages only"},
      {"foo (>= 1) <stage1>", "relation 'foo (>= 1) <stage1>': build profiles '<...>' are for source packages only"},
  }));
  INFO(field);
  auto r = repo::parse_relations(field);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == message);
}

TEST_CASE("relation-provides")
{
  auto p = repo::parse_provides("java17-runtime-headless, libc6-x32 (= 2.36-9), mail-transport-agent");
  REQUIRE(p.ok());
  REQUIRE(p->size() == 3);
  CHECK((*p)[1].str() == "libc6-x32 (= 2.36-9)");
  CHECK(repo::parse_provides("").value().empty());
  auto bad = repo::parse_provides("a (>= 1)");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "provides 'a (>= 1)': only '=' versions are allowed in Provides");
  bad = repo::parse_provides("aa | bb");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error() == "provides 'aa | bb': alternatives '|' are not allowed in Provides");
}

TEST_CASE("relation-version-matches")
{
  auto rel = [](const std::string& text) { return repo::parse_relations(text).value().at(0).at(0); };
  CHECK(rel("a").version_matches(ver("0")));
  CHECK(rel("a (>= 2.36)").version_matches(ver("2.36-9+deb12u10")));
  CHECK_FALSE(rel("a (>= 2.36)").version_matches(ver("2.36~rc1")));
  CHECK(rel("a (<< 2.36)").version_matches(ver("2.36~rc1")));
  CHECK_FALSE(rel("a (<< 2.36)").version_matches(ver("2.36")));
  CHECK(rel("a (<= 2.36)").version_matches(ver("2.36-0")));
  CHECK(rel("a (= 1.0)").version_matches(ver("1.0-0")));
  CHECK_FALSE(rel("a (= 1.0)").version_matches(ver("1:1.0")));
  CHECK(rel("a (>> 1.0)").version_matches(ver("1.0+b1")));
  CHECK_FALSE(rel("a (>> 1.0)").version_matches(ver("1.0")));
  CHECK(to_string(VersionOp::gt) == std::string(">>"));
}
