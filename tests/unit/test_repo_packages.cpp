#include <catch2/catch.hpp>

#include "repo/packages.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <string>

using namespace acikit;

namespace {

const std::string k_dir = std::string(ACIKIT_TEST_DATA) + "/repo/packages/";

void add(repo::PackageIndex& index, const std::string& name, std::size_t source)
{
  index.add(util::read_file(k_dir + name), name, source);
}

repo::PackageIndex two_sources()
{
  repo::PackageIndex index;
  add(index, "source-a.Packages", 0);
  add(index, "source-b.Packages", 1);
  return index;
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

const std::string k_sha = std::string(64, 'a');

} // namespace

TEST_CASE("packages-add-fields-and-origin")
{
  auto index = two_sources();
  CHECK(index.packages().size() == 12);
  auto hello = index.find("hello");
  REQUIRE(hello.size() == 6);
  const repo::Package& p = *hello[0];
  CHECK(p.name == "hello");
  CHECK(p.version == "2.10-2");
  CHECK(p.architecture == "amd64");
  CHECK(p.filename == "pool/main/h/hello/hello_2.10-2_amd64.deb");
  CHECK(p.size == 5006);
  CHECK(p.sha256 == "0b799d644eb3d1f81e246c2ad5d835340e4e7538edd8ff46569d2b11a8453da5");
  CHECK(p.multi_arch == "foreign");
  CHECK(p.depends == "libc6 (>= 2.34)");
  CHECK(p.source_index == 0);
  CHECK(p.origin == "source-a.Packages:1");
  CHECK(hello[4]->origin == "source-b.Packages:1");
  CHECK(hello[4]->source_index == 1);
  auto libc = index.find("libc6");
  REQUIRE(libc.size() == 2);
  CHECK(libc[0]->pre_depends == "libgcc-s1");
  CHECK(libc[0]->provides == "libc6-x32 (= 2.36)");
  CHECK(index.find("nonexistent").empty());
}

TEST_CASE("packages-select-highest-across-sources")
{
  auto index = two_sources();
  // 2.10-10 (source b) > 2.10-3 > 2.10-3~deb12u1 > 2.10-2 > 2.9-1; 2.12-1 is arm64.
  const auto& hello = repo::select(index, repo::Request::parse("hello"), "amd64");
  CHECK(hello.version == "2.10-10");
  CHECK(hello.origin == "source-b.Packages:1");
  CHECK(repo::select(index, repo::Request::parse("hello"), "arm64").version == "2.12-1");
  // Architecture "all" matches every architecture.
  CHECK(repo::select(index, repo::Request::parse("tzdata"), "amd64").version == "2025b-0+deb12u1");
  // The epoch wins over a higher upstream version.
  CHECK(repo::select(index, repo::Request::parse("busybox"), "amd64").version == "1:1.35.0-4+b3");
  // The same package in two sources: the first source.
  CHECK(repo::select(index, repo::Request::parse("libc6"), "amd64").origin == "source-a.Packages:58");
}

TEST_CASE("packages-select-exact-version")
{
  auto index = two_sources();
  const auto& p = repo::select(index, repo::Request::parse("hello=2.10-3~deb12u1"), "amd64");
  CHECK(p.version == "2.10-3~deb12u1");
  CHECK(p.origin == "source-a.Packages:14");
  CHECK(repo::select(index, repo::Request::parse("hello=2.9-1"), "amd64").version == "2.9-1");
  CHECK(error_of([&] { repo::select(index, repo::Request::parse("hello=2.12-1"), "amd64"); }) ==
        "1 hello=2.12-1: no package 'hello' version 2.12-1 for architecture amd64");
  CHECK(error_of([&] { repo::select(index, repo::Request::parse("nothere"), "amd64"); }) ==
        "1 nothere: no package 'nothere' for architecture amd64");
  CHECK(error_of([&] { repo::select(index, repo::Request::parse("libc6"), "s390x"); }) ==
        "1 libc6: no package 'libc6' for architecture s390x");
}

TEST_CASE("packages-select-same-identity-different-sha256")
{
  auto index = two_sources();
  add(index, "source-c-libc6-other-sha256.Packages", 2);
  CHECK(error_of([&] { repo::select(index, repo::Request::parse("libc6"), "amd64"); }) ==
        "1 libc6: package 'libc6' 2.36-9+deb12u10 (amd64) differs between source-a.Packages:58 (SHA256 "
        "d9780a10dbe8967d2e860f29979270167361cc993162e0166a57ee05c8a00ca1) and "
        "source-c-libc6-other-sha256.Packages:1 (SHA256 "
        "d121be3103007b41edf96f8262925f8c7d61894afe9a041843b631f69445bc57)");
}

TEST_CASE("packages-request-parse")
{
  auto r = repo::Request::parse("openjdk-17-jre-headless");
  CHECK(r.name == "openjdk-17-jre-headless");
  CHECK(r.version == "");
  r = repo::Request::parse("libc6=2.36-9+deb12u10");
  CHECK(r.name == "libc6");
  CHECK(r.version == "2.36-9+deb12u10");
  CHECK(repo::Request::parse("busybox=1:1.35.0-4+b3").version == "1:1.35.0-4+b3");
  auto [arg, message] = GENERATE(table<std::string, std::string>({
      {"", "package request '': expected NAME or NAME=VERSION with a Debian package name"},
      {"=1.0", "package request '=1.0': expected NAME or NAME=VERSION with a Debian package name"},
      {"Hello", "package request 'Hello': expected NAME or NAME=VERSION with a Debian package name"},
      {"a", "package request 'a': expected NAME or NAME=VERSION with a Debian package name"},
      {"libc6:amd64", "package request 'libc6:amd64': expected NAME or NAME=VERSION with a Debian package name"},
      {"hello=", "package request 'hello=': bad version: version string is empty"},
      {"hello=x1", "package request 'hello=x1': bad version: version number does not start with digit"},
      {"hello=1.0-", "package request 'hello=1.0-': bad version: revision number is empty"},
      {"hello=1.0 2", "package request 'hello=1.0 2': bad version: version string has embedded spaces"},
      {"hello=1=2", "package request 'hello=1=2': bad version: invalid character in version number"},
  }));
  INFO(arg);
  CHECK(error_of([&] { repo::Request::parse(arg); }) == "2 " + message);
}

TEST_CASE("packages-add-errors")
{
  const std::string ok_tail = "Filename: pool/a.deb\nSize: 1\nSHA256: " + k_sha + "\n";
  auto [text, message] = GENERATE_COPY(table<std::string, std::string>({
      {"Package: a\nVersion: 1\nArchitecture: all\nFilename: pool/a.deb\nSize: 1\n",
       "P:1: field 'SHA256': missing"},
      {"Package: a\nVersion: 1\nArchitecture: all\n\nPackage: b\nVersion: 1\nArchitecture: all\nSize: 1\n",
       "P:1: field 'Filename': missing"},
      {"Version: 1\nArchitecture: all\n" + ok_tail, "P:1: field 'Package': missing"},
      {"\nPackage: a\nVersion: 1:\nArchitecture: all\n" + ok_tail,
       "P:3: field 'Version': nothing after colon in version number"},
      {"Package: a\nVersion: 1\nArchitecture: all\nFilename: pool/a.deb\nSize: 1k\nSHA256: " + k_sha + "\n",
       "P:5: field 'Size': expected a number"},
      {"Package: a\nVersion: 1\nArchitecture: all\nFilename: pool/a.deb\nSize: 1\nSHA256: abc\n",
       "P:6: field 'SHA256': expected 64 hex digits"},
      {"Package: a\nVersion: 1\nArchitecture: all\nFilename: ../../x.deb\nSize: 1\nSHA256: " + k_sha + "\n",
       "P:4: field 'Filename': unsafe path '../../x.deb'"},
      {"Package: a\nVersion: 1\nArchitecture: all\nFilename: /x.deb\nSize: 1\nSHA256: " + k_sha + "\n",
       "P:4: field 'Filename': unsafe path '/x.deb'"},
      {"Package: a\nVersion: 1\nArchitecture: amd64 i386\n" + ok_tail,
       "P:3: field 'Architecture': expected one architecture"},
      {"Package: a b\nVersion: 1\nArchitecture: all\n" + ok_tail, "P:1: field 'Package': expected a package name"},
  }));
  INFO(text);
  repo::PackageIndex index;
  CHECK(error_of([&] { index.add(text, "P", 0); }) == "1 " + message);
}
