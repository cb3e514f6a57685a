#pragma once
// aci-fetch: verified download of Debian packages (DESIGN.md, "Trust"):
// InRelease signature → index size + SHA256 → .deb size + SHA256.
#include "transport/transport.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace acikit::ops {

struct FetchOptions {
  // deb822 .sources or one-line sources.list files; empty: the machine's apt
  // configuration under etc_apt (sources.list, sources.list.d/).
  std::vector<std::filesystem::path> sources;
  std::filesystem::path etc_apt = "/etc/apt";
  // Replaces every source's Signed-By.
  std::optional<std::filesystem::path> keyring;
  std::string arch = "amd64";
  std::filesystem::path dest = ".";
  int jobs = 4;
  bool quiet = false;
  std::vector<std::string> packages;  // NAME or NAME=VERSION
};

struct FetchedSource {
  std::string uri;
  std::string suite;
  std::string release_url;      // the InRelease (or Release) URL that was verified
  std::string release_sha256;   // of the InRelease bytes (of Release with Release.gpg)
  std::string signer;           // fingerprint of the good signature
};

struct FetchedPackage {
  std::string name, version, architecture;
  std::string filename;  // pool path from the index
  std::uint64_t size = 0;
  std::string sha256;
  std::size_t source = 0;       // index into FetchReport::sources
  std::filesystem::path path;   // DEST/<basename of filename>
};

struct FetchReport {
  std::vector<FetchedSource> sources;
  std::vector<FetchedPackage> packages;  // in the order of the requests
};

// The whole chain through `transport`. Every .deb is moved into options.dest only
// when all of them are verified; an error leaves no new file there (a file that
// was already there with the right size and SHA256 is kept and not fetched).
// Errors are acikit::Error naming the file (URL, FILE:LINE, request).
FetchReport fetch(const FetchOptions& options, transport::Transport& transport);

// fetch() with the libcurl transport; prints each .deb path on stdout, one per
// line, in the order of the requests. Returns the exit status.
int fetch_main(const FetchOptions& options);

} // namespace acikit::ops
