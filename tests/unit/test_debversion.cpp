#include <catch2/catch.hpp>

#include "debversion/version.hpp"
#include "util/atomic_file.hpp"
#include "util/strings.hpp"

#include <string>
#include <tuple>
#include <vector>

using namespace acikit;
using debversion::Version;

namespace {

Version v(const std::string& text)
{
  auto r = Version::parse(text);
  INFO(text);
  REQUIRE(r.ok());
  return r.value();
}

struct Row {
  std::string a, b;
  int expected;
  std::size_t line;
};

std::vector<Row> load_table()
{
  const std::string path = std::string(ACIKIT_TEST_DATA) + "/debversion/compare-table.txt";
  std::vector<Row> rows;
  std::size_t n = 0;
  const std::string text = util::read_file(path);
  for (auto line : util::split(text, '\n')) {
    ++n;
    if (line.empty() || line[0] == '#') {
      continue;
    }
    auto f = util::split_ws(line);
    REQUIRE(f.size() == 3);
    int e = f[2] == "lt" ? -1 : (f[2] == "eq" ? 0 : (f[2] == "gt" ? 1 : 99));
    REQUIRE(e != 99);
    rows.push_back({std::string(f[0]), std::string(f[1]), e, n});
  }
  return rows;
}

} // namespace

TEST_CASE("debversion-compare-table-from-dpkg-both-directions")
{
  auto rows = load_table();
  REQUIRE(rows.size() >= 80);
  for (const auto& r : rows) {
    INFO("compare-table.txt:" << r.line << ": " << r.a << " " << r.b);
    auto a = v(r.a);
    auto b = v(r.b);
    CHECK(debversion::compare(a, b) == r.expected);
    CHECK(debversion::compare(b, a) == -r.expected);
    CHECK(debversion::compare(a, a) == 0);
  }
}

TEST_CASE("debversion-parse-parts")
{
  using T = std::tuple<std::string, unsigned long, std::string, std::string>;
  auto [text, epoch, upstream, revision] = GENERATE(table<std::string, unsigned long, std::string, std::string>({
      T{"1.0", 0, "1.0", ""},
      T{"1:2.38.1-5+deb12u3", 1, "2.38.1", "5+deb12u3"},
      T{"17.0.15+6-1~deb12u1", 0, "17.0.15+6", "1~deb12u1"},
      T{"1.0-a-b", 0, "1.0-a", "b"},         // revision after the last '-'
      T{"1:1:1", 1, "1:1", ""},              // colons allowed after an epoch
      T{"+1:1", 1, "1", ""},                 // dpkg's strtol takes a sign
      T{"-0:1", 0, "1", ""},
      T{"2147483647:1", 2147483647, "1", ""},
      T{" 1.0\t", 0, "1.0", ""},             // dpkg trims blanks
  }));
  INFO(text);
  auto r = Version::parse(text);
  REQUIRE(r.ok());
  CHECK(r->epoch() == epoch);
  CHECK(r->upstream() == upstream);
  CHECK(r->revision() == revision);
  CHECK(r->warning() == "");
}

// dpkg's errors ("has bad syntax", compare-versions exits 2), checked by hand
// with dpkg 1.21.22: `dpkg --compare-versions 1 lt VERSION`.
TEST_CASE("debversion-invalid-like-dpkg")
{
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"", "version string is empty"},
      {" ", "version string is empty"},
      {"1.0 2", "version string has embedded spaces"},
      {"a:1.0", "epoch in version is empty"},
      {":1.0", "epoch in version is empty"},
      {"1a:1.0", "epoch in version is not number"},
      {"1.0-1:2", "epoch in version is not number"},
      {"-1:1.0", "epoch in version is negative"},
      {"2147483648:1", "epoch in version is too big"},
      {"99999999999999999999999:1", "epoch in version is too big"},
      {"1:", "nothing after colon in version number"},
      {"1.0-", "revision number is empty"},
      {"1.0-1-", "revision number is empty"},
      {"1:-1", "version number is empty"},
      {"-1", "version number is empty"},
  }));
  INFO("[" << text << "]");
  auto r = Version::parse(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == message);
  auto s = Version::parse_strict(text);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error() == message);
}

// dpkg only warns about these and still compares them; parse() accepts them with
// the warning, parse_strict() (Policy §5.6.12) refuses them.
TEST_CASE("debversion-dpkg-warnings-policy-failures")
{
  auto [text, message] = GENERATE(table<std::string, std::string>({
      {"abc", "version number does not start with digit"},
      {"~1", "version number does not start with digit"},
      {"1:a1", "version number does not start with digit"},
      {"1.0_1", "invalid character in version number"},
      {"1.0-1_2", "invalid character in revision number"},
      {"1.0-1:2:3", "epoch in version is not number"},
  }));
  INFO("[" << text << "]");
  auto r = Version::parse(text);
  if (message.rfind("epoch", 0) == 0) {
    CHECK_FALSE(r.ok());
    return;
  }
  REQUIRE(r.ok());
  CHECK(r->warning() == message);
  auto s = Version::parse_strict(text);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error() == message);
}

TEST_CASE("debversion-operators")
{
  CHECK(v("1.0~rc1") < v("1.0"));
  CHECK(v("1.0") == v("1.0-0"));
  CHECK_FALSE(v("1.0") == v("1.0-1"));
  CHECK(v("1:0") < v("2:0"));
}
