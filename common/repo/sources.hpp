#pragma once
// apt sources: deb822 `.sources` files (sources.list(5), "DEB822-STYLE FORMAT",
// comments included) and one-line `sources.list` entries
// (`deb [signed-by=... arch=...] URI SUITE [COMPONENT...]`).
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace acikit::repo {

// One (URI, suite) pair with its components: a .sources stanza with two suites
// gives two Source values.
struct Source {
  std::string uri;                         // without trailing '/'
  std::string suite;                       // e.g. "bookworm", "bookworm-security"
  std::vector<std::string> components;     // e.g. {"main"}
  std::vector<std::string> architectures;  // empty = not restricted
  // Signed-By: a keyring path, or an inline ASCII-armoured key block, or "" (none given).
  std::string signed_by;
  std::string origin;  // "FILE:LINE" where it was defined, for messages
};

// Parses by content: deb822 if the file name ends in ".sources", one-line format
// otherwise. Only "Types: deb" / "deb" lines are kept (deb-src is skipped);
// `Enabled: no` stanzas are skipped. Errors name FILE:LINE.
std::vector<Source> parse_sources(std::string_view text, const std::string& file);

// The machine's own apt configuration under `etc_apt` (default /etc/apt):
// sources.list, then sources.list.d/*.list and *.sources in name order (other
// file names such as *.disabled are ignored, as apt does).
std::vector<Source> load_system_sources(const std::filesystem::path& etc_apt = "/etc/apt");

} // namespace acikit::repo
