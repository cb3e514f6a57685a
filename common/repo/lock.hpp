#pragma once
// Lockfiles (issue 3, "Lockfiles"; DESIGN.md, Trust 5): the exact set of .debs a
// build used, and the signed release each came from, so that a later build can
// re-verify the whole chain against the very same InRelease bytes.
//
//   {"version": 1, "arch": "amd64", "created": "2026-12-03T10:00:00Z",
//    "sources": [{"uri", "suite", "components", "inrelease_sha256",
//                 "signer_fingerprint", "signed_at", "release_date"}],
//    "packages": [{"name", "version", "architecture", "filename", "size",
//                  "sha256", "source"}]}
//
// Keys are written in this order with 2-space indentation, packages sorted by
// name (then version, architecture); "source" is an index into "sources".
// Optional keys: "as_of" (top level: the time expiry was judged at when it was
// not "created"), "release_gpg_sha256" (a source verified as Release +
// Release.gpg: "inrelease_sha256" is then the SHA256 of Release).
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace acikit::repo {

struct LockSource {
  std::string uri;
  std::string suite;
  std::vector<std::string> components;
  std::string inrelease_sha256;
  std::string release_gpg_sha256;  // "" unless the release was Release + Release.gpg
  std::string signer_fingerprint;
  std::time_t signed_at = 0;
  std::optional<std::time_t> release_date;
};

struct LockPackage {
  std::string name, version, architecture;
  std::string filename;  // pool path
  std::uint64_t size = 0;
  std::string sha256;
  std::size_t source = 0;  // index into Lock::sources
};

struct Lock {
  std::string arch;
  std::time_t created = 0;
  std::optional<std::time_t> as_of;
  std::vector<LockSource> sources;
  std::vector<LockPackage> packages;

  // When a build from this lock judges Valid-Until and key expiry.
  std::time_t check_time() const { return as_of.value_or(created); }

  // Canonical text (packages sorted), ending in a newline.
  std::string to_json() const;
  // Strict: every required key with the right type, "version" 1, SHA256 values
  // of 64 hex digits, safe pool paths, "source" in range, unknown keys refused.
  // Errors: bad_input where = "FILE" and what = "field 'packages[2].sha256': ...".
  static Lock parse(std::string_view text, const std::string& file);
};

// "2026-12-03T10:00:00Z" (RFC 3339, UTC).
std::string format_rfc3339(std::time_t t);
// RFC 3339 ("2026-12-03T10:00:00Z", "...T10:00:00.5+01:00", 't'/'z' too);
// nullopt when malformed.
std::optional<std::time_t> parse_rfc3339(std::string_view text);
// A command-line date: RFC 3339 or YYYY-MM-DD (midnight UTC). Usage error
// (exit 2) naming `option` otherwise.
std::time_t parse_date_arg(const std::string& text, const std::string& option);

} // namespace acikit::repo
