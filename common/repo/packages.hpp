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
  // naming FILE:LINE and the field.
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
  static Request parse(const std::string& arg);  // "name" or "name=version"; usage error otherwise
};

// The package for a request: architecture `arch` or "all"; with a version, exactly
// that version; otherwise the highest by Debian version comparison across all
// sources. bad_input naming the request when nothing matches.
const Package& select(const PackageIndex& index, const Request& request, const std::string& arch);

} // namespace acikit::repo
