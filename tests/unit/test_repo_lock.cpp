// Lockfiles: canonical JSON round trip, strict parsing, RFC 3339 dates.
#include <catch2/catch.hpp>

#include "repo/lock.hpp"
#include "util/error.hpp"

#include <string>

using namespace acikit;
using namespace acikit::repo;

namespace {

const std::string k_sha_a(64, 'a');
const std::string k_sha_b(64, 'b');
const std::string k_sha_c(64, 'c');

Lock sample()
{
  Lock l;
  l.arch = "amd64";
  l.created = 1796292000;  // 2026-12-03T10:00:00Z
  l.sources.push_back(LockSource{"http://127.0.0.1:8000", "stable", {"main", "contrib"}, k_sha_a, "", "ABCDEF",
                                 1796291000, 1796290000});
  l.sources.push_back(LockSource{"file:///srv/m", "updates", {"main"}, k_sha_b, k_sha_c, "ABCDEF", 1796291000,
                                 std::nullopt});
  // Not in name order: to_json sorts.
  l.packages.push_back(LockPackage{"zlib1g", "1:1.2.13.dfsg-1", "amd64",
                                   "pool/main/z/zlib/zlib1g_1.2.13.dfsg-1_amd64.deb", 90000, k_sha_b, 1});
  l.packages.push_back(LockPackage{"base-files", "12.4+deb12u5", "amd64",
                                   "pool/main/b/base-files/base-files_12.4+deb12u5_amd64.deb", 70000, k_sha_a, 0});
  return l;
}

std::string bad_input_of(const std::string& text)
{
  try {
    Lock::parse(text, "x.lock");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::bad_input);
    return e.where() + ": " + e.message();
  }
  return "(no error)";
}

} // namespace

TEST_CASE("lock-round-trip-canonical", "[repo][lock]")
{
  const Lock l = sample();
  const std::string text = l.to_json();
  const Lock back = Lock::parse(text, "x.lock");
  CHECK(back.to_json() == text);
  CHECK(back.arch == "amd64");
  CHECK(back.created == l.created);
  CHECK(!back.as_of);
  REQUIRE(back.sources.size() == 2);
  CHECK(back.sources[0].components == std::vector<std::string>{"main", "contrib"});
  CHECK(back.sources[1].release_gpg_sha256 == k_sha_c);
  CHECK(!back.sources[1].release_date);
  CHECK(back.sources[0].release_date == std::optional<std::time_t>(1796290000));
  REQUIRE(back.packages.size() == 2);
  CHECK(back.packages[0].name == "base-files");  // sorted by name
  CHECK(back.packages[1].version == "1:1.2.13.dfsg-1");
  CHECK(back.packages[1].source == 1);
  CHECK(back.check_time() == l.created);
}

TEST_CASE("lock-text-layout", "[repo][lock]")
{
  Lock l = sample();
  l.sources.resize(1);
  l.packages.resize(1);
  l.packages[0].source = 0;
  l.as_of = 1700000000;
  CHECK(l.to_json() == "{\n"
                       "  \"version\": 1,\n"
                       "  \"arch\": \"amd64\",\n"
                       "  \"created\": \"2026-12-03T10:00:00Z\",\n"
                       "  \"as_of\": \"2023-11-14T22:13:20Z\",\n"
                       "  \"sources\": [\n"
                       "    {\n"
                       "      \"uri\": \"http://127.0.0.1:8000\",\n"
                       "      \"suite\": \"stable\",\n"
                       "      \"components\": [\n"
                       "        \"main\",\n"
                       "        \"contrib\"\n"
                       "      ],\n"
                       "      \"inrelease_sha256\": \"" + k_sha_a + "\",\n"
                       "      \"signer_fingerprint\": \"ABCDEF\",\n"
                       "      \"signed_at\": \"2026-12-03T09:43:20Z\",\n"
                       "      \"release_date\": \"2026-12-03T09:26:40Z\"\n"
                       "    }\n"
                       "  ],\n"
                       "  \"packages\": [\n"
                       "    {\n"
                       "      \"name\": \"zlib1g\",\n"
                       "      \"version\": \"1:1.2.13.dfsg-1\",\n"
                       "      \"architecture\": \"amd64\",\n"
                       "      \"filename\": \"pool/main/z/zlib/zlib1g_1.2.13.dfsg-1_amd64.deb\",\n"
                       "      \"size\": 90000,\n"
                       "      \"sha256\": \"" + k_sha_b + "\",\n"
                       "      \"source\": 0\n"
                       "    }\n"
                       "  ]\n"
                       "}\n");
  CHECK(Lock::parse(l.to_json(), "x.lock").check_time() == 1700000000);
}

TEST_CASE("lock-refusals", "[repo][lock]")
{
  const std::string good = sample().to_json();
  auto with = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  CHECK(bad_input_of("{") .rfind("x.lock: not JSON: ", 0) == 0);
  CHECK(bad_input_of("[]") == "x.lock: expected an object");
  CHECK(bad_input_of(with("\"version\": 1", "\"version\": 2")) ==
        "x.lock: field 'version': unsupported lockfile version (expected 1)");
  CHECK(bad_input_of(with("\"arch\": \"amd64\",", "")) == "x.lock: field 'arch': missing");
  CHECK(bad_input_of(with("\"version\": 1", "\"version\": 1, \"extra\": 0")) == "x.lock: field 'extra': unknown key");
  CHECK(bad_input_of(with("2026-12-03T10:00:00Z", "2026-12-03 10:00")) ==
        "x.lock: field 'created': expected an RFC 3339 date, e.g. 2026-12-03T10:00:00Z");
  CHECK(bad_input_of(with("\"sha256\": \"" + k_sha_a, "\"sha256\": \"" + std::string(64, 'A'))) ==
        "x.lock: field 'packages[0].sha256': expected 64 lower-case hex digits");
  CHECK(bad_input_of(with("pool/main/b/base-files/", "pool/../../etc/")) ==
        "x.lock: field 'packages[0].filename': unsafe path 'pool/../../etc/base-files_12.4+deb12u5_amd64.deb'");
  CHECK(bad_input_of(with("\"source\": 1", "\"source\": 2")) ==
        "x.lock: field 'packages[1].source': no source 2 (2 given)");
  CHECK(bad_input_of(with("\"size\": 70000", "\"size\": -1")) ==
        "x.lock: field 'packages[0].size': expected a non-negative integer");
  CHECK(bad_input_of(with("\"suite\": \"stable\"", "\"suite\": \"\"")) ==
        "x.lock: field 'sources[0].suite': expected a non-empty string");
}

TEST_CASE("rfc3339-dates", "[repo][lock]")
{
  using Row = std::tuple<std::string, std::optional<std::time_t>>;
  auto [text, want] = GENERATE(table<std::string, std::optional<std::time_t>>({
      Row{"1970-01-01T00:00:00Z", 0},
      Row{"2026-12-03T10:00:00Z", 1796292000},
      Row{"2026-12-03t10:00:00z", 1796292000},
      Row{"2026-12-03T11:00:00+01:00", 1796292000},
      Row{"2026-12-03T10:00:00.123Z", 1796292000},
      Row{"2024-02-29T00:00:00Z", 1709164800},
      Row{"1969-12-31T23:59:59Z", -1},
      Row{"2023-02-29T00:00:00Z", std::nullopt},
      Row{"2026-12-03T10:00:00", std::nullopt},
      Row{"2026-12-03 10:00:00Z", std::nullopt},
      Row{"2026-13-03T10:00:00Z", std::nullopt},
      Row{"2026-12-03T24:00:00Z", std::nullopt},
      Row{"2026-12-03T10:00:00+1:00", std::nullopt},
  }));
  CAPTURE(text);
  CHECK(parse_rfc3339(text) == want);
  if (want && text.back() == 'Z' && text.size() == 20) {
    CHECK(format_rfc3339(*want) == text);  // both directions
  }
}

TEST_CASE("date-arguments", "[repo][lock]")
{
  CHECK(parse_date_arg("2026-12-03", "--as-of") == 1796256000);
  CHECK(parse_date_arg("2026-12-03T10:00:00Z", "--as-of") == 1796292000);
  try {
    parse_date_arg("yesterday", "--as-of");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::usage);
    CHECK(e.message() == "--as-of 'yesterday': expected YYYY-MM-DD or an RFC 3339 date (2026-12-03T10:00:00Z)");
  }
}
