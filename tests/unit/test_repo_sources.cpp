#include <catch2/catch.hpp>

#include "repo/sources.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <string>
#include <vector>

using namespace acikit;
using repo::Source;

namespace {

const std::string k_data = std::string(ACIKIT_TEST_DATA) + "/repo/";

std::vector<Source> load(const std::string& name)
{
  const std::string path = k_data + "sources/" + name;
  return repo::parse_sources(util::read_file(path), "sources/" + name);
}

using Strings = std::vector<std::string>;

} // namespace

TEST_CASE("sources-deb822-uri-x-suite-enabled-no-deb-src")
{
  auto s = load("multi-uri-suite-enabled-no.sources");
  REQUIRE(s.size() == 5);
  const char* f = "sources/multi-uri-suite-enabled-no.sources:2";
  CHECK(s[0].uri == "http://example.org/debian");
  CHECK(s[0].suite == "bookworm");
  CHECK(s[1].uri == "http://example.org/debian");
  CHECK(s[1].suite == "bookworm-updates");
  CHECK(s[2].uri == "http://127.0.0.1:8080/debian");
  CHECK(s[2].suite == "bookworm");
  CHECK(s[3].uri == "http://127.0.0.1:8080/debian");
  CHECK(s[3].suite == "bookworm-updates");
  for (int i = 0; i < 4; ++i) {
    CHECK(s[i].components == Strings{"main", "contrib"});
    CHECK(s[i].architectures == Strings{"amd64", "arm64"});
    CHECK(s[i].signed_by == "/usr/share/keyrings/debian-archive-keyring.gpg");
    CHECK(s[i].origin == f);
  }
  CHECK(s[4].uri == "http://example.org/debian-security");
  CHECK(s[4].suite == "bookworm-security");
  CHECK(s[4].components == Strings{"main"});
  CHECK(s[4].architectures.empty());
  CHECK(s[4].signed_by == "");
  CHECK(s[4].origin == "sources/multi-uri-suite-enabled-no.sources:22");
}

TEST_CASE("sources-signed-by-inline-key-armour-intact")
{
  const std::string key = util::read_file(k_data + "sources/inline-key.asc");
  auto s = load("signed-by-inline-key.sources");
  REQUIRE(s.size() == 2);
  CHECK(s[0].signed_by == key);
  CHECK(s[1].signed_by == key);  // armour starting on the field line
  CHECK(s[1].uri == "file:///srv/mirror");
  CHECK(s[1].suite == "./");
  CHECK(s[1].components.empty());
  CHECK(s[1].origin == "sources/signed-by-inline-key.sources:16");
}

TEST_CASE("sources-one-line-options-comments-deb-src")
{
  auto s = load("one-line-options.list");
  REQUIRE(s.size() == 4);
  CHECK(s[0].uri == "http://example.org/debian");
  CHECK(s[0].suite == "bookworm");
  CHECK(s[0].components == Strings{"main", "contrib", "non-free-firmware"});
  CHECK(s[0].origin == "sources/one-line-options.list:2");
  CHECK(s[1].uri == "http://example.org/debian");
  CHECK(s[1].suite == "bookworm-updates");
  CHECK(s[1].components == Strings{"main"});
  CHECK(s[1].architectures == Strings{"amd64", "arm64"});
  CHECK(s[1].signed_by == "/etc/apt/keyrings/example.gpg");
  CHECK(s[1].origin == "sources/one-line-options.list:4");
  CHECK(s[2].uri == "http://127.0.0.1:8080/flat");
  CHECK(s[2].suite == "./");
  CHECK(s[2].components.empty());
  CHECK(s[2].architectures == Strings{"i386"});
  CHECK(s[3].uri == "file:///srv/mirror");
  CHECK(s[3].origin == "sources/one-line-options.list:8");
}

TEST_CASE("sources-errors-name-file-and-line")
{
  auto [file, text, message] = GENERATE(table<std::string, std::string, std::string>({
      {"x.sources", "Types: deb\nSuites: bookworm\nComponents: main\n", "x.sources:1: field 'URIs': missing"},
      {"x.sources", "URIs: http://example.org\nSuites: bookworm\nComponents: main\n",
       "x.sources:1: field 'Types': missing"},
      {"x.sources", "Types: deb\nURIs: http://example.org\nComponents: main\n",
       "x.sources:1: field 'Suites': missing"},
      {"x.sources", "\nTypes: deb rpm\nURIs: http://example.org\nSuites: bookworm\nComponents: main\n",
       "x.sources:2: field 'Types': unknown type 'rpm'"},
      {"x.sources", "Types: deb\nURIs: http://example.org\nSuites: bookworm\n",
       "x.sources:1: suite 'bookworm' needs at least one component"},
      {"x.sources", "Types: deb\nURIs: http://example.org\nSuites: ./\nComponents: main\n",
       "x.sources:1: suite './' is an exact path and takes no components"},
      {"x.sources", "Types: deb\nURIs: http://example.org\nSuites: a\nComponents: main\nEnabled: maybe\n",
       "x.sources:5: field 'Enabled': expected 'yes' or 'no'"},
      {"x.sources", "Types: deb\nnot a field\n", "x.sources:2: expected 'Field: value' or a continuation line"},
      {"x.list", "deb http://example.org/debian\n",
       "x.list:1: expected 'deb [OPTIONS] URI SUITE [COMPONENT...]'"},
      {"x.list", "# c\ndeb-src\n", "x.list:2: expected 'deb-src [OPTIONS] URI SUITE [COMPONENT...]'"},
      {"x.list", "rpm http://example.org/debian bookworm main\n",
       "x.list:1: unknown type 'rpm' (expected 'deb' or 'deb-src')"},
      {"x.list", "deb [arch=amd64 http://example.org/debian bookworm main\n", "x.list:1: option list '[' without ']'"},
      {"x.list", "deb [arch] http://example.org/debian bookworm main\n",
       "x.list:1: option 'arch': expected NAME=VALUE"},
      {"x.list", "deb http://example.org/debian bookworm\n",
       "x.list:1: suite 'bookworm' needs at least one component"},
  }));
  INFO(text);
  try {
    repo::parse_sources(text, file);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(std::string(e.what()) == message);
  }
}

// Found by fuzz_sources: "URIs: /" gave a Source whose URI was "/", against
// sources.hpp's "without trailing '/'", and aci-fetch then failed with exit 3 on
// "//dists/SUITE/InRelease" naming no sources line. A URI needs a scheme.
TEST_CASE("sources-uri-without-scheme")
{
  auto [file, text, message] = GENERATE(table<std::string, std::string, std::string>({
      {"x.sources", "Types: deb\nSuites: /\nURIs: /\n", "x.sources:3: URI '/' has no scheme (e.g. http:// or file://)"},
      {"x.sources", "Types: deb\nURIs: http://example.org\n  /srv/mirror\nSuites: a\nComponents: main\n",
       "x.sources:2: URI '/srv/mirror' has no scheme (e.g. http:// or file://)"},
      {"x.list", "deb /srv/mirror bookworm main\n",
       "x.list:1: URI '/srv/mirror' has no scheme (e.g. http:// or file://)"},
      {"x.list", "\ndeb [arch=amd64] 127.0.0.1:8000/debian bookworm main\n",
       "x.list:2: URI '127.0.0.1:8000/debian' has no scheme (e.g. http:// or file://)"},
      {"x.list", "deb :/x bookworm main\n", "x.list:1: URI ':/x' has no scheme (e.g. http:// or file://)"},
  }));
  INFO(text);
  try {
    repo::parse_sources(text, file);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(std::string(e.what()) == message);
  }
}

TEST_CASE("sources-system-name-order-ignores-other-names")
{
  auto s = repo::load_system_sources(k_data + "etc-apt");
  REQUIRE(s.size() == 3);
  CHECK(s[0].uri == "http://example.org/debian");
  CHECK(s[0].origin == k_data + "etc-apt/sources.list:1");
  CHECK(s[1].uri == "http://example.org/a");
  CHECK(s[1].origin == k_data + "etc-apt/sources.list.d/a-first.list:1");
  CHECK(s[2].uri == "http://example.org/b");
  CHECK(s[2].origin == k_data + "etc-apt/sources.list.d/b-second.sources:1");
}

TEST_CASE("sources-system-missing-directory-is-empty")
{
  CHECK(repo::load_system_sources(k_data + "no-such-etc-apt").empty());
}
