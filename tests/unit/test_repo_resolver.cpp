// Dependency resolution over small hand-written indexes, one situation per case.
#include <catch2/catch.hpp>

#include "repo/packages.hpp"
#include "repo/resolver.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

using namespace acikit;

namespace {

// One stanza; `extra` holds further fields ("Depends: b\n"). The SHA256 is
// derived from `sha` (one hex digit repeated) so that tests can make two
// stanzas of one identity agree or differ.
std::string stanza(const std::string& name, const std::string& version, const std::string& extra = "",
                   const std::string& arch = "amd64", char sha = 'a')
{
  return "Package: " + name + "\nVersion: " + version + "\nArchitecture: " + arch + "\nFilename: pool/main/" +
         name + "_" + version + "_" + arch + ".deb\nSize: 100\nSHA256: " + std::string(64, sha) + "\n" + extra +
         "\n";
}

struct Source {
  std::string suite;
  std::string text;
};

// A resolution that keeps its index alive (its packages point into it).
struct Outcome : repo::Resolution {
  std::shared_ptr<const repo::PackageIndex> keep;
};

struct Setup {
  std::vector<Source> sources;
  repo::ResolveOptions options;
  std::shared_ptr<repo::PackageIndex> index = std::make_shared<repo::PackageIndex>();

  explicit Setup(std::vector<Source> s, repo::ResolveOptions o = {}) : sources(std::move(s)), options(std::move(o))
  {
    options.suites.clear();
    for (std::size_t i = 0; i < sources.size(); ++i) {
      index->add(sources[i].text, sources[i].suite + ".Packages", i);
      options.suites.push_back(sources[i].suite);
    }
  }

  Outcome run(const std::vector<std::string>& roots) const
  {
    std::vector<repo::Request> requests;
    for (const auto& r : roots) {
      // Built directly: Request::parse wants Policy's two-character names.
      const auto eq = r.find('=');
      requests.push_back({r.substr(0, eq), eq == std::string::npos ? "" : r.substr(eq + 1)});
    }
    return Outcome{repo::resolve(*index, options, requests), index};
  }
};

Setup one(const std::string& text, repo::ResolveOptions o = {})
{
  return Setup({{"bookworm", text}}, std::move(o));
}

// "a=1 b=2": the closure, in its (name) order.
std::string closure(const repo::Resolution& r)
{
  std::string s;
  for (const auto& p : r.packages) {
    s += (s.empty() ? "" : " ") + p.package->name + "=" + p.package->version;
  }
  return s;
}

const repo::ResolvedPackage& find(const repo::Resolution& r, const std::string& name)
{
  for (const auto& p : r.packages) {
    if (p.package->name == name) {
      return p;
    }
  }
  FAIL("no package " << name << " in the closure");
  throw std::logic_error("unreachable");
}

std::string why(const repo::Resolution& r, const std::string& name)
{
  return find(r, name).reasons.at(0).str();
}

std::string error_of(const std::function<void()>& f)
{
  try {
    f();
  } catch (const Error& e) {
    return std::to_string(static_cast<int>(e.code())) + " " + e.what();
  }
  return "no error";
}

repo::ResolveOptions with_pins(const std::vector<std::string>& pins)
{
  repo::ResolveOptions o;
  for (const auto& p : pins) {
    o.pins.push_back(repo::Pin::parse(p));
  }
  return o;
}

} // namespace

TEST_CASE("simple-chain")
{
  auto s = one(stanza("a", "1", "Depends: b\n") + stanza("b", "1", "Depends: c (>= 1)\n") + stanza("c", "1") +
               stanza("unrelated", "1"));
  auto r = s.run({"a"});
  CHECK(closure(r) == "a=1 b=1 c=1");
  CHECK(why(r, "a") == "requested");
  CHECK(why(r, "b") == "a 1 Depends: b");
  CHECK(why(r, "c") == "b 1 Depends: c (>= 1)");
  CHECK(find(r, "c").reasons.at(0).kind == repo::ReasonKind::depends);
  CHECK(find(r, "c").reasons.at(0).needed_by == "b 1");
  CHECK(find(r, "c").package->origin == "bookworm.Packages:17");
  CHECK(r.explain() == "a 1 amd64: requested\n"
                       "b 1 amd64: a 1 Depends: b\n"
                       "c 1 amd64: b 1 Depends: c (>= 1)\n");
}

TEST_CASE("alternatives-first-satisfiable")
{
  auto s = one(stanza("a", "1", "Depends: x | y (>= 2) | z | w\n") + stanza("y", "1") + stanza("z", "1") +
               stanza("w", "1"));
  auto r = s.run({"a"});
  CHECK(closure(r) == "a=1 z=1");
  CHECK(why(r, "z") ==
        "a 1 Depends: x | y (>= 2) | z | w (alternative chosen: z (x: not available; y (>= 2): no matching version))");
}

TEST_CASE("alternatives-prefer-already-chosen")
{
  const std::string text = stanza("a", "1", "Depends: x | y\n") + stanza("b", "1", "Depends: y, c\n") +
                           stanza("c", "1", "Depends: x | y\n") + stanza("x", "1") + stanza("y", "1");
  SECTION("a root")
  {
    auto r = one(text).run({"a", "y"});
    CHECK(closure(r) == "a=1 y=1");
    REQUIRE(find(r, "y").reasons.size() == 2);
    CHECK(find(r, "y").reasons[1].str() == "a 1 Depends: x | y");
  }
  SECTION("chosen earlier in the closure")
  {
    auto r = one(text).run({"b"});
    CHECK(closure(r) == "b=1 c=1 y=1");
    CHECK(r.explain() == "b 1 amd64: requested\n"
                         "c 1 amd64: b 1 Depends: c\n"
                         "y 1 amd64: b 1 Depends: y\n"
                         "  also: c 1 Depends: x | y\n");
  }
}

TEST_CASE("versioned-ge-picks-highest")
{
  auto s = one(stanza("libfoo", "1.0-1") + stanza("libfoo", "1:0.5-1") + stanza("libfoo", "2.0~rc1-1") +
               stanza("a", "1", "Depends: libfoo (>= 1.0)\n"));
  CHECK(closure(s.run({"a"})) == "a=1 libfoo=1:0.5-1");  // the epoch makes it the highest
}

TEST_CASE("versioned-lt-excludes-newer")
{
  auto [relation, expected] = GENERATE(table<std::string, std::string>({
      {"libfoo (<< 2)", "libfoo=1"},
      {"libfoo (<= 2)", "libfoo=2"},
      {"libfoo (= 2)", "libfoo=2"},
      {"libfoo (>= 2)", "libfoo=3"},
      {"libfoo (>> 2)", "libfoo=3"},
      {"libfoo (<< 2~)", "libfoo=1"},
      {"libfoo (>> 3)", "1 resolve: unsatisfiable dependencies: libfoo (>> 3) needed by a 1"},
  }));
  auto s = one(stanza("libfoo", "3") + stanza("libfoo", "2") + stanza("libfoo", "1") +
               stanza("a", "1", "Depends: " + relation + "\n"));
  CAPTURE(relation);
  if (expected.substr(0, 2) == "1 ") {
    CHECK(error_of([&] { s.run({"a"}); }) == expected);
  } else {
    CHECK(closure(s.run({"a"})) == "a=1 " + expected);
  }
}

TEST_CASE("virtual-real-preferred")
{
  auto s = one(stanza("a", "1", "Depends: mail-transport-agent\n") + stanza("exim4", "1", "Provides: mail-transport-agent\n") +
               stanza("mail-transport-agent", "1"));
  auto r = s.run({"a"});
  CHECK(closure(r) == "a=1 mail-transport-agent=1");
}

TEST_CASE("virtual-single-provider")
{
  auto s = one(stanza("a", "1", "Depends: awk\n") + stanza("mawk", "1.3.4", "Provides: awk\n") +
               stanza("mawk", "1.3.3", "Provides: awk\n"));
  auto r = s.run({"a"});
  CHECK(closure(r) == "a=1 mawk=1.3.4");
  CHECK(why(r, "mawk") == "a 1 Depends: awk (virtual awk provided by mawk)");
}

TEST_CASE("virtual-versioned-provides")
{
  const std::string text = stanza("p1", "1", "Provides: foo (= 1)\n") + stanza("p2", "1", "Provides: foo (= 2)\n") +
                           stanza("p3", "1", "Provides: foo\n") + stanza("a", "1", "Depends: foo (>= 2)\n") +
                           stanza("b", "1", "Depends: foo\n") + stanza("c", "1", "Depends: foo (>= 3)\n");
  auto r = one(text).run({"a"});
  CHECK(closure(r) == "a=1 p2=1");
  CHECK(why(r, "p2") == "a 1 Depends: foo (>= 2) (virtual foo provided by p2)");
  // An unversioned Provides never meets a versioned relation (Policy §7.5).
  CHECK(error_of([&] { one(text).run({"c"}); }) ==
        "1 resolve: unsatisfiable dependencies: foo (>= 3) needed by c 1");
  CHECK(error_of([&] { one(text).run({"b"}); }) ==
        "1 resolve: virtual package 'foo' (needed by b 1) is provided by p1, p2, p3: pin one with NAME=VERSION or "
        "add it to the package list");
}

TEST_CASE("virtual-ambiguous-needs-pin")
{
  const std::string text = stanza("a", "1", "Depends: awk\n") + stanza("mawk", "1", "Provides: awk\n") +
                           stanza("gawk", "1", "Provides: awk\n") + stanza("original-awk", "1", "Provides: awk\n");
  CHECK(error_of([&] { one(text).run({"a"}); }) ==
        "1 resolve: virtual package 'awk' (needed by a 1) is provided by gawk, mawk, original-awk: pin one with "
        "NAME=VERSION or add it to the package list");
  SECTION("a pin decides")
  {
    CHECK(closure(one(text, with_pins({"gawk=1"})).run({"a"})) == "a=1 gawk=1");
    CHECK(closure(one(text, with_pins({"mawk/bookworm"})).run({"a"})) == "a=1 mawk=1");
  }
  SECTION("a root decides")
  {
    auto r = one(text).run({"a", "original-awk"});
    CHECK(closure(r) == "a=1 original-awk=1");
    CHECK(find(r, "original-awk").reasons.at(1).str() ==
          "a 1 Depends: awk (virtual awk provided by original-awk)");
  }
  SECTION("requested by its virtual name")
  {
    CHECK(error_of([&] { one(text).run({"awk"}); }) ==
          "1 resolve: virtual package 'awk' (requested) is provided by gawk, mawk, original-awk: pin one with "
          "NAME=VERSION or add it to the package list");
    auto r = one(text, with_pins({"mawk=1"})).run({"awk"});
    CHECK(closure(r) == "mawk=1");
    CHECK(why(r, "mawk") == "requested (virtual awk provided by mawk)");
  }
}

TEST_CASE("multiarch-any-allowed")
{
  const std::string text = stanza("python3", "3.11", "Multi-Arch: allowed\n") + stanza("perl", "5.36") +
                           stanza("a", "1", "Depends: python3:any (>= 3.11)\n") + stanza("b", "1", "Depends: perl:any\n") +
                           stanza("c", "1", "Depends: perl:native, python3:amd64\n") +
                           stanza("d", "1", "Depends: perl:arm64\n") + stanza("e", "1", "Depends: perl:any | perl\n") +
                           stanza("f", "1", "Depends: pyvirt:any\n") +
                           stanza("pyimpl", "1", "Multi-Arch: allowed\nProvides: pyvirt\n");
  CHECK(closure(one(text).run({"a"})) == "a=1 python3=3.11");
  CHECK(closure(one(text).run({"c"})) == "c=1 perl=5.36 python3=3.11");
  CHECK(closure(one(text).run({"e"})) == "e=1 perl=5.36");
  CHECK(closure(one(text).run({"f"})) == "f=1 pyimpl=1");
  // dpkg's deparchsatisfied(): ":any" needs "Multi-Arch: allowed"; another
  // architecture is not part of a single-architecture closure.
  CHECK(error_of([&] { one(text).run({"b", "d"}); }) ==
        "1 resolve: unsatisfiable dependencies: perl:any needed by b 1; perl:arm64 needed by d 1");
}

TEST_CASE("arch-all")
{
  const std::string text = stanza("a", "1", "Depends: b, c\n", "all") + stanza("b", "1", "", "all") +
                           stanza("c", "2", "", "arm64") + stanza("c", "1") + stanza("d", "1", "", "all") +
                           stanza("d", "1") + stanza("e", "1", "", "i386");
  auto r = one(text).run({"a", "d"});
  CHECK(closure(r) == "a=1 b=1 c=1 d=1");
  CHECK(find(r, "d").package->architecture == "amd64");  // over "all" of the same version
  CHECK(error_of([&] { one(text).run({"e"}); }) == "1 e: no package 'e' for architecture amd64");
  repo::ResolveOptions arm;
  arm.arch = "arm64";
  CHECK(closure(one(text, arm).run({"a"})) == "a=1 b=1 c=2");
}

TEST_CASE("two-sources-same-sha-merged")
{
  const std::string lib = stanza("libfoo", "1");
  const Setup s({{"bookworm", stanza("a", "1", "Depends: libfoo\n") + lib}, {"bookworm-updates", lib}});
  auto r = s.run({"a"});
  CHECK(closure(r) == "a=1 libfoo=1");
  CHECK(find(r, "libfoo").sources == std::vector<std::size_t>{0, 1});
  CHECK(find(r, "libfoo").package->source_index == 0);
  CHECK(find(r, "libfoo").package->origin == "bookworm.Packages:9");
  const Setup swapped({{"bookworm-updates", lib}, {"bookworm", stanza("a", "1", "Depends: libfoo\n") + lib}});
  auto r2 = swapped.run({"a"});
  CHECK(find(r2, "libfoo").sources == std::vector<std::size_t>{0, 1});
  CHECK(find(r2, "libfoo").package->origin == "bookworm-updates.Packages:1");
}

TEST_CASE("two-sources-different-sha-error")
{
  const Setup s({{"bookworm", stanza("a", "1", "Depends: libfoo\n") + stanza("libfoo", "1", "", "amd64", 'b')},
                 {"bookworm-security", stanza("libfoo", "1", "", "amd64", 'c')}});
  CHECK(error_of([&] { s.run({"a"}); }) ==
        "1 resolve: package 'libfoo' 1 (amd64) differs between bookworm.Packages:9 (SHA256 " + std::string(64, 'b') +
            ") and bookworm-security.Packages:1 (SHA256 " + std::string(64, 'c') + ")");
  // Only a version the closure uses has to agree.
  const Setup older({{"bookworm", stanza("a", "1", "Depends: libfoo\n") + stanza("libfoo", "1", "", "amd64", 'b') +
                                      stanza("libfoo", "2")},
                     {"bookworm-security", stanza("libfoo", "1", "", "amd64", 'c')}});
  CHECK(closure(older.run({"a"})) == "a=1 libfoo=2");
}

TEST_CASE("order-independent-roots")
{
  const std::vector<Source> sources = {
      {"bookworm", stanza("app", "1", "Depends: libx | liby, awk, shared (>= 1)\n") +
                       stanza("tool", "1", "Depends: liby, shared\nPre-Depends: mawk\n") + stanza("libx", "1") +
                       stanza("liby", "1") + stanza("shared", "1") + stanza("mawk", "1", "Provides: awk\n")},
      {"bookworm-updates", stanza("shared", "2", "Depends: libx (>= 1)\n") + stanza("liby", "1")},
      {"bookworm-security", stanza("libx", "1.1", "Depends: tool\n") + stanza("gawk", "1", "Provides: awk\n")},
  };
  std::vector<std::string> roots = {"app", "tool", "gawk"};
  std::string expected;
  std::vector<std::size_t> order = {0, 1, 2};
  int runs = 0;
  do {
    std::vector<Source> permuted;
    for (auto i : order) {
      permuted.push_back(sources[i]);
    }
    const Setup s(permuted);
    std::sort(roots.begin(), roots.end());
    do {
      auto r = s.run(roots);
      std::string text = r.explain();
      for (const auto& p : r.packages) {
        text += p.package->name + " " + p.package->sha256.substr(0, 1) + " " + std::to_string(p.sources.size()) + "\n";
      }
      if (expected.empty()) {
        expected = text;
      }
      CAPTURE(order, roots);
      CHECK(text == expected);
      ++runs;
    } while (std::next_permutation(roots.begin(), roots.end()));
  } while (std::next_permutation(order.begin(), order.end()));
  CHECK(runs == 36);
  CHECK(expected == "app 1 amd64: requested\n"
                    "gawk 1 amd64: requested\n"
                    "  also: app 1 Depends: awk (virtual awk provided by gawk)\n"
                    "libx 1.1 amd64: app 1 Depends: libx | liby\n"
                    "  also: shared 2 Depends: libx (>= 1)\n"
                    "liby 1 amd64: tool 1 Depends: liby\n"
                    "mawk 1 amd64: tool 1 Pre-Depends: mawk\n"
                    "shared 2 amd64: app 1 Depends: shared (>= 1)\n"
                    "  also: tool 1 Depends: shared\n"
                    "tool 1 amd64: requested\n"
                    "  also: libx 1.1 Depends: tool\n"
                    "app a 1\ngawk a 1\nlibx a 1\nliby a 2\nmawk a 1\nshared a 1\ntool a 1\n");
}

TEST_CASE("exclude")
{
  const std::string text = stanza("a", "1", "Depends: b, c | d, mta, e\n") + stanza("b", "1", "Depends: f\n") +
                           stanza("c", "1") + stanza("d", "1") + stanza("e", "1") + stanza("f", "1") +
                           stanza("exim4", "1", "Provides: mta\n") + stanza("postfix", "1", "Provides: mta\n");
  repo::ResolveOptions o;
  o.excludes = {"b", "c", "exim4"};
  auto r = one(text, o).run({"a"});
  // An excluded package counts as present: "c | d" does not swap in d, nor
  // "mta" the other provider.
  CHECK(closure(r) == "a=1 e=1");
  REQUIRE(r.excluded.size() == 3);
  CHECK(r.excluded[0].str() == "a 1 Depends: b: left to excluded b");
  CHECK(r.excluded[1].str() == "a 1 Depends: c | d: left to excluded c");
  CHECK(r.excluded[2].str() == "a 1 Depends: mta: left to excluded exim4");
  CHECK(r.explain() == "a 1 amd64: requested\n"
                       "e 1 amd64: a 1 Depends: e\n"
                       "excluded: a 1 Depends: b: left to excluded b\n"
                       "excluded: a 1 Depends: c | d: left to excluded c\n"
                       "excluded: a 1 Depends: mta: left to excluded exim4\n");
  CHECK(error_of([&] { one(text, o).run({"a", "b"}); }) == "1 b: package 'b' is both requested and excluded");
}

TEST_CASE("pin-version")
{
  const std::string text = stanza("libfoo", "3") + stanza("libfoo", "2") + stanza("libfoo", "1") +
                           stanza("a", "1", "Depends: libfoo\n") + stanza("b", "1", "Depends: libfoo (>= 3)\n");
  CHECK(closure(one(text, with_pins({"libfoo=2"})).run({"a"})) == "a=1 libfoo=2");
  CHECK(closure(one(text).run({"a", "libfoo=1"})) == "a=1 libfoo=1");
  CHECK(error_of([&] { one(text, with_pins({"libfoo=2"})).run({"b"}); }) ==
        "1 resolve: unsatisfiable dependencies: libfoo (>= 3) needed by b 1 (pinned libfoo=2)");
  CHECK(error_of([&] { one(text).run({"b", "libfoo=1"}); }) ==
        "1 resolve: unsatisfiable dependencies: libfoo (>= 3) needed by b 1 (libfoo 1 already chosen: requested)");
  CHECK(error_of([&] { one(text).run({"libfoo=4"}); }) ==
        "1 libfoo=4: no package 'libfoo' version 4 for architecture amd64");
  CHECK(error_of([&] { one(text, with_pins({"libfoo=4"})).run({"libfoo"}); }) ==
        "1 libfoo: no package 'libfoo' for architecture amd64 (pinned libfoo=4)");
  auto unused = one(text, with_pins({"libfoo=2", "zzz=1"})).run({"a"});
  CHECK(unused.unused_pins == std::vector<std::string>{"zzz=1"});
}

TEST_CASE("pin-suite")
{
  const Setup s({{"bookworm", stanza("a", "1", "Depends: libfoo\n") + stanza("libfoo", "1")},
                 {"bookworm-security", stanza("libfoo", "1+deb12u1")}},
                with_pins({"libfoo/bookworm"}));
  auto r = s.run({"a"});
  CHECK(closure(r) == "a=1 libfoo=1");
  CHECK(find(r, "libfoo").package->source_index == 0);
  const Setup unpinned({{"bookworm", stanza("a", "1", "Depends: libfoo\n") + stanza("libfoo", "1")},
                        {"bookworm-security", stanza("libfoo", "1+deb12u1")}});
  CHECK(closure(unpinned.run({"a"})) == "a=1 libfoo=1+deb12u1");
  CHECK(error_of([&] {
          Setup({{"bookworm", stanza("a", "1")}}, with_pins({"libfoo/sid"})).run({"a"});
        }) == "1 pin 'libfoo/sid': no source has suite sid");
}

TEST_CASE("with-recommends")
{
  const std::string text = stanza("a", "1", "Depends: b\nRecommends: c, missing | gone, vmta\n") +
                           stanza("b", "1", "Recommends: d\n") + stanza("c", "1", "Depends: e\n") + stanza("d", "1") +
                           stanza("e", "1") + stanza("exim4", "1", "Provides: vmta\n") +
                           stanza("postfix", "1", "Provides: vmta\n");
  CHECK(closure(one(text).run({"a"})) == "a=1 b=1");
  repo::ResolveOptions o;
  o.with_recommends = true;
  auto r = one(text, o).run({"a"});
  CHECK(closure(r) == "a=1 b=1 c=1 d=1 e=1");
  CHECK(why(r, "c") == "a 1 Recommends: c");
  CHECK(find(r, "c").reasons.at(0).kind == repo::ReasonKind::recommends);
  REQUIRE(r.skipped_recommends.size() == 2);
  CHECK(r.skipped_recommends[0].str() == "a 1 Recommends: missing | gone: missing: not available; gone: not available");
  CHECK(r.skipped_recommends[1].str() ==
        "a 1 Recommends: vmta: virtual package 'vmta' (needed by a 1) is provided by exim4, postfix: pin one with "
        "NAME=VERSION or add it to the package list");
}

TEST_CASE("unsatisfiable-lists-all")
{
  const std::string text = stanza("a", "1", "Depends: x (>= 2), y, ok\n") + stanza("b", "1.0-1", "Depends: z | w\n") +
                           stanza("x", "1") + stanza("ok", "1", "Depends: deep\n") +
                           stanza("c", "1", "Depends: x (>= 1), x (<< 1)\n");
  CHECK(error_of([&] { one(text).run({"b", "a"}); }) ==
        "1 resolve: unsatisfiable dependencies: x (>= 2) needed by a 1; y needed by a 1; z | w needed by b 1.0-1; "
        "deep needed by ok 1");
  CHECK(error_of([&] { one(text).run({"c"}); }) ==
        "1 resolve: unsatisfiable dependencies: x (<< 1) needed by c 1 (x 1 already chosen: c 1 Depends: x (>= 1))");
  CHECK(error_of([&] { one(text).run({"nothere"}); }) == "1 nothere: no package 'nothere' for architecture amd64");
}

TEST_CASE("pre-depends")
{
  auto r = one(stanza("a", "1", "Pre-Depends: b (>= 1)\nDepends: c\n") + stanza("b", "1") + stanza("c", "1"))
               .run({"a"});
  CHECK(closure(r) == "a=1 b=1 c=1");
  CHECK(why(r, "b") == "a 1 Pre-Depends: b (>= 1)");
  CHECK(find(r, "b").reasons.at(0).kind == repo::ReasonKind::pre_depends);
}

TEST_CASE("cycle")
{
  auto r = one(stanza("a", "1", "Depends: b\n") + stanza("b", "1", "Depends: a (= 1)\n")).run({"a"});
  CHECK(closure(r) == "a=1 b=1");
  CHECK(r.explain() == "a 1 amd64: requested\n"
                       "  also: b 1 Depends: a (= 1)\n"
                       "b 1 amd64: a 1 Depends: b\n");
}

TEST_CASE("bad-relation-field-names-the-stanza")
{
  CHECK(error_of([&] { one(stanza("a", "1", "Depends: b [amd64]\n")).run({"a"}); }) ==
        "1 bookworm.Packages:1: field 'Depends': relation 'b [amd64]': architecture restrictions '[...]' are for "
        "source packages only");
}

TEST_CASE("pin-parse")
{
  auto p = repo::Pin::parse("libfoo=1:2.0-1");
  CHECK(p.name == "libfoo");
  CHECK(p.version == "1:2.0-1");
  CHECK(p.str() == "libfoo=1:2.0-1");
  auto q = repo::Pin::parse("libfoo/bookworm-security");
  CHECK(q.suite == "bookworm-security");
  CHECK(q.str() == "libfoo/bookworm-security");
  auto [arg, message] = GENERATE(table<std::string, std::string>({
      {"libfoo", "2 pin 'libfoo': expected NAME=VERSION or NAME/SUITE"},
      {"libfoo=", "2 pin 'libfoo=': expected NAME=VERSION or NAME/SUITE"},
      {"libfoo/", "2 pin 'libfoo/': expected NAME=VERSION or NAME/SUITE"},
      {"libfoo/a/b", "2 pin 'libfoo/a/b': expected NAME=VERSION or NAME/SUITE"},
      {"Libfoo/x", "2 pin 'Libfoo/x': expected NAME or NAME=VERSION with a Debian package name"},
      {"libfoo=1 2", "2 pin 'libfoo=1 2': bad version: version string has embedded spaces"},
  }));
  CAPTURE(arg);
  CHECK(error_of([&] { repo::Pin::parse(arg); }) == message);
}
