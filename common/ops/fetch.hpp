#pragma once
// aci-fetch: verified download of Debian packages (DESIGN.md, "Trust"):
// InRelease signature → index size + SHA256 → .deb size + SHA256, through a
// content-addressed cache, optionally from or into a lockfile and a partial
// mirror (issue 3).
#include "transport/transport.hpp"

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acikit::ops {

struct FetchOptions {
  // deb822 .sources or one-line sources.list files; empty: the machine's apt
  // configuration under etc_apt (sources.list, sources.list.d/). With a lock:
  // where to fetch each locked source from (the first source of the same suite
  // replaces the lock's URI, e.g. a file:// partial mirror) and its Signed-By.
  std::vector<std::filesystem::path> sources;
  std::filesystem::path etc_apt = "/etc/apt";
  // Replaces every source's Signed-By.
  std::optional<std::filesystem::path> keyring;
  std::string arch = "amd64";
  std::filesystem::path dest = ".";
  int jobs = 4;
  bool quiet = false;
  bool null_paths = false;  // fetch_main: end each printed path with NUL, not '\n' (--null)
  bool progress = false;  // progress lines on stderr (fetch_main: a terminal and not quiet)
  // NAME, NAME=VERSION, NAME/SUITE (the last two also pin NAME for the closure).
  std::vector<std::string> packages;
  std::vector<std::string> pins;      // --pin NAME=VERSION | NAME/SUITE, without requesting NAME
  bool exact = false;                 // exactly the named packages, no dependencies
  std::vector<std::string> excludes;  // never added to the closure
  bool with_recommends = false;
  bool explain = false;  // fetch_main: why each package is in the closure, on stderr

  std::optional<std::filesystem::path> lock;        // fetch exactly this lockfile's set
  std::optional<std::filesystem::path> lock_out;    // write a lockfile
  std::optional<std::filesystem::path> mirror_out;  // write a partial mirror
  std::optional<std::filesystem::path> cache;       // default: cache::Cache::default_dir()
  bool offline = false;                             // no network: everything from the cache
  std::optional<std::time_t> as_of;                 // judge Valid-Until and key expiry then
  std::optional<std::filesystem::path> json;        // report; "-": on stdout instead of the paths
};

struct FetchedSignature {
  std::string fingerprint, status;
  bool good = false;
  std::time_t created = 0;
};

struct FetchedSource {
  std::string uri;
  std::string suite;
  std::vector<std::string> components;
  std::string release_url;         // the InRelease (or Release) URL that was verified
  std::string release_sha256;      // of the InRelease bytes (of Release with Release.gpg)
  std::string release_gpg_sha256;  // "" for InRelease
  std::string signer;              // fingerprint of the good signature
  std::time_t signed_at = 0;
  std::optional<std::time_t> release_date, valid_until;
  std::vector<FetchedSignature> signatures;  // all of them, the bad ones too
  bool from_cache = false;                   // the release bytes came from the cache
};

struct FetchedPackage {
  std::string name, version, architecture;
  std::string filename;  // pool path from the index
  std::uint64_t size = 0;
  std::string sha256;
  std::size_t source = 0;       // index into FetchReport::sources
  std::filesystem::path path;   // DEST/<basename of filename>
  std::vector<std::string> reasons;  // why it is in the closure ("requested", "P 1.0 Depends: x")
};

struct FetchReport {
  std::time_t check_time = 0;  // when Valid-Until and key expiry were judged
  std::string check_time_basis;  // "now", "--as-of", "lock created", "lock as_of"
  std::vector<FetchedSource> sources;
  // Request order for --exact, else sorted by name (the closure), else the lock's order.
  std::vector<FetchedPackage> packages;
  std::string explain;  // the resolver's explanation ("" for --exact and --lock)
  std::vector<std::string> notes;  // excluded dependencies, skipped Recommends, unused pins
  std::size_t downloaded = 0;      // files fetched over the transport (not from the cache)
};

// The whole chain through `transport` (never used with options.offline). Every
// .deb is moved into options.dest only when all of them are verified; an error
// leaves no new file there (a file that was already there with the right size
// and SHA256 is kept and not fetched). Errors are acikit::Error naming the file
// (URL, FILE:LINE, request, lockfile field).
FetchReport fetch(const FetchOptions& options, transport::Transport& transport);

// The report as JSON (stable key order, 2-space indent).
std::string report_json(const FetchReport& report);

// fetch() with the libcurl transport; prints each .deb path on stdout, one per
// line, in the order of FetchReport::packages (or the JSON report with --json -).
// Returns the exit status.
int fetch_main(const FetchOptions& options);

} // namespace acikit::ops
