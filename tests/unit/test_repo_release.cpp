#include <catch2/catch.hpp>

#include "repo/release.hpp"
#include "signature/signature.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <string>
#include <vector>

using namespace acikit;

namespace {

repo::Release parse(const std::string& plaintext, const std::string& file = "InRelease")
{
  return repo::Release::parse(signature::make_signed_text_for_testing(plaintext, "ABCD"), file);
}

const std::string k_head = "Origin: Debian\nSuite: oldstable\nCodename: bookworm\n";
const std::string k_sum = "515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f";

} // namespace

TEST_CASE("release-bookworm-excerpt")
{
  auto r = parse(util::read_file(std::string(ACIKIT_TEST_DATA) + "/repo/release/bookworm-excerpt.Release"));
  CHECK(r.origin() == "Debian");
  CHECK(r.suite() == "oldstable");
  CHECK(r.codename() == "bookworm");
  CHECK(r.date() == std::time_t{1783764997});  // date -d 'Sat, 11 Jul 2026 10:16:37 UTC' +%s
  CHECK_FALSE(r.valid_until().has_value());
  CHECK(r.acquire_by_hash());
  CHECK(r.architectures() == std::vector<std::string>{"all", "amd64", "arm64", "armel", "armhf", "i386",
                                                       "mips64el", "mipsel", "ppc64el", "s390x"});
  CHECK(r.components() == std::vector<std::string>{"main", "contrib", "non-free-firmware", "non-free"});
  CHECK(r.files().size() == 4);  // the MD5Sum list is not used
  const repo::IndexFile* xz = r.find("main/binary-amd64/Packages.xz");
  REQUIRE(xz != nullptr);
  CHECK(xz->size == 8790396);
  CHECK(xz->sha256 == "9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5");
  CHECK(r.find("contrib/Contents-all") == nullptr);  // only in MD5Sum
  CHECK(r.matches("bookworm"));
  CHECK(r.matches("oldstable"));
  CHECK_FALSE(r.matches("stable"));
  CHECK_FALSE(r.matches(""));
}

TEST_CASE("release-valid-until-and-upper-case-hash")
{
  auto r = parse("Suite: bookworm-security\nValid-Until: Tue, 08 Dec 2026 19:40:00 UTC\n"
                 "Acquire-By-Hash: no\nSHA256:\n " +
                 std::string("9E0B5AABB2465B3D2E7A7FE27F9913846277833F7A2826E7767ACCCFF5B588C5") +
                 " 0 main/i18n/Index\n");
  CHECK(r.valid_until() == std::time_t{1796758800});
  CHECK_FALSE(r.acquire_by_hash());
  CHECK(r.codename() == "");
  CHECK(r.matches("bookworm-security"));
  REQUIRE(r.find("main/i18n/Index") != nullptr);
  CHECK(r.find("main/i18n/Index")->sha256 == "9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5");
  CHECK(r.find("main/i18n/Index")->size == 0);
}

TEST_CASE("release-errors")
{
  auto [text, message] = GENERATE_COPY(table<std::string, std::string>({
      {k_head + "MD5Sum:\n 0ed6d4c8891eb86358b94bb35d9e4da4 1 main/x\nSHA1:\n 1 2 main/x\n",
       "InRelease: release has no SHA256 hashes (MD5Sum/SHA1 only are refused)"},
      {k_head + "SHA256:\n", "InRelease: release has no SHA256 hashes (MD5Sum/SHA1 only are refused)"},
      {k_head + "SHA256:\n " + k_sum + " 1 main/a\n " + k_sum + " 12\n",
       "InRelease:6: field 'SHA256': expected '<hash> <size> <path>'"},
      {k_head + "SHA256:\n " + k_sum + " 1 main/a extra\n",
       "InRelease:5: field 'SHA256': expected '<hash> <size> <path>'"},
      {k_head + "SHA256:\n abc 1 main/a\n", "InRelease:5: field 'SHA256': expected '<hash> <size> <path>'"},
      {k_head + "SHA256:\n " + k_sum + " -1 main/a\n",
       "InRelease:5: field 'SHA256': expected '<hash> <size> <path>'"},
      {k_head + "SHA256:\n " + k_sum + " 1 ../../etc/passwd\n",
       "InRelease:5: field 'SHA256': unsafe path '../../etc/passwd'"},
      {k_head + "SHA256:\n " + k_sum + " 1 /etc/passwd\n", "InRelease:5: field 'SHA256': unsafe path '/etc/passwd'"},
      {k_head + "SHA256:\n " + k_sum + " 1 main/a\n " + k_sum + " 2 main/a\n",
       "InRelease:6: field 'SHA256': duplicate path 'main/a'"},
      {k_head + "Date: 11 Juli 2026 10:16:37 UTC\nSHA256:\n " + k_sum + " 1 a\n",
       "InRelease:4: field 'Date': expected a date like 'Sat, 10 May 2025 09:04:35 UTC'"},
      {k_head + "Valid-Until: tomorrow\nSHA256:\n " + k_sum + " 1 a\n",
       "InRelease:4: field 'Valid-Until': expected a date like 'Sat, 10 May 2025 09:04:35 UTC'"},
      {k_head + "Acquire-By-Hash: sometimes\nSHA256:\n " + k_sum + " 1 a\n",
       "InRelease:4: field 'Acquire-By-Hash': expected 'yes' or 'no'"},
      {"Origin: Debian\nSHA256:\n " + k_sum + " 1 a\n", "InRelease: release has neither Suite nor Codename"},
      {"", "InRelease: release is empty"},
      {k_head + "\nSuite: two\n", "InRelease:5: unexpected second paragraph in a release"},
  }));
  INFO(text);
  try {
    parse(text);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    CHECK(std::string(e.what()) == message);
  }
}

TEST_CASE("release-date-rfc2822-without-locale")
{
  using repo::parse_release_date;
  // Values from `date -u -d TEXT +%s`.
  CHECK(parse_release_date("Sat, 10 May 2025 09:04:35 UTC") == std::time_t{1746867875});
  CHECK(parse_release_date("Sat, 10 May 2025 09:04:35 GMT") == std::time_t{1746867875});
  CHECK(parse_release_date("Sat, 10 May 2025 09:04:35 +0000") == std::time_t{1746867875});
  CHECK(parse_release_date("Sat, 10 May 2025 11:04:35 +0200") == std::time_t{1746867875});
  CHECK(parse_release_date("Sat, 10 May 2025 04:34:35 -0430") == std::time_t{1746867875});
  CHECK(parse_release_date("10 May 2025 09:04:35 UTC") == std::time_t{1746867875});
  CHECK(parse_release_date("Sat,  10   May 2025 09:04:35 UTC") == std::time_t{1746867875});
  CHECK(parse_release_date("Sat, 10 may 2025 09:04 UTC") == std::time_t{1746867840});
  CHECK(parse_release_date("Thu, 1 Jan 1970 00:00:00 UTC") == std::time_t{0});
  CHECK(parse_release_date("Thu, 29 Feb 2024 23:59:59 UTC") == std::time_t{1709251199});
  CHECK(parse_release_date("Fri, 31 Dec 2038 23:59:59 UTC") == std::time_t{2177452799});
  for (const char* bad : {"", "Sat, 10 May 2025", "Sat, 10 Mai 2025 09:04:35 UTC", "Sam, 10 May 2025 09:04:35 UTC",
                          "Sat, 10 May 2025 09:04:35 CEST", "Sat, 10 May 2025 9:04:35 UTC",
                          "Sat, 10 May 25 09:04:35 UTC", "Sat, 32 May 2025 09:04:35 UTC",
                          "Thu, 29 Feb 2023 00:00:00 UTC", "Sat, 10 May 2025 24:00:00 UTC",
                          "Sat, 10 May 2025 09:60:00 UTC", "Sat, 10 May 2025 09:04:35 +02",
                          "Sat, 10 May 2025 09:04:35 UTC extra", "2025-05-10T09:04:35Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_release_date(bad).has_value());
  }
}
