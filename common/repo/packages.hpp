#pragma once
// Packages indexes (binary-ARCH/Packages[.xz|.gz]) merged across sources.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace acikit::repo {

struct Package {
  std::string name;
  std::string version;
  std::string architecture;  // "amd64", "all", ...
  std::string filename;      // pool path, e.g. "pool/main/b/busybox/busybox-static_1.35.0-4+b3_amd64.deb"
  std::uint64_t size = 0;
  std::string sha256;
  std::string multi_arch;  // "", "same", "foreign", "allowed"
  // Raw relation fields, parsed by the resolver.
  std::string depends, pre_depends, recommends, provides;
  std::size_t source_index = 0;  // index into the list of sources given to add()
  std::string origin;            // "FILE:LINE" of the stanza
};

class PackageIndex {
public:
  // Adds every stanza of one decompressed Packages file. Required fields: Package,
  // Version, Architecture, Filename, Size, SHA256; a stanza missing one is an error
  // naming FILE:LINE and the field ("Packages:12: field 'SHA256': missing"). Also
  // refused: a Version dpkg refuses, a Filename that is absolute or has "..", a
  // Size that is not a number, a SHA256 that is not 64 hex digits (stored lower case).
  void add(std::string_view text, const std::string& file, std::size_t source_index);

  const std::vector<Package>& packages() const { return m_packages; }
  // All stanzas with this package name (any version, architecture, source).
  std::vector<const Package*> find(std::string_view name) const;

private:
  std::vector<Package> m_packages;
  std::unordered_map<std::string, std::vector<std::size_t>> m_by_name;
};

struct Request {
  std::string name;
  std::string version;  // "" = highest
  // "name" or "name=version" (Policy §5.6.1 name, §5.6.12 version); usage error
  // (exit 2) otherwise: "package request 'ARG': ...".
  static Request parse(const std::string& arg);
};

// The package for a request: architecture `arch` or "all"; with a version, exactly
// that version (string equality); otherwise the highest by Debian version
// comparison across all sources. Among equal versions the lowest source_index
// wins (then an `arch` package over an "all" one). Errors, bad_input with
// where = the request text ("name" or "name=version"):
//   "no package 'NAME' for architecture ARCH"
//   "no package 'NAME' version V for architecture ARCH"
//   "package 'NAME' V (ARCH) differs between ORIGIN (SHA256 X) and ORIGIN (SHA256 Y)"
//     when the same name/version/architecture has two different files.
const Package& select(const PackageIndex& index, const Request& request, const std::string& arch);

} // namespace acikit::repo
