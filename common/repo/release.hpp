#pragma once
// A Release file, parsed only from verified plaintext (DESIGN.md, Trust 2).
#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "signature/signature.hpp"

namespace acikit::repo {

struct IndexFile {
  std::string path;  // relative to dists/SUITE/, e.g. "main/binary-amd64/Packages.xz"
  std::uint64_t size = 0;
  std::string sha256;  // lower-case hex
};

class Release {
public:
  // Errors: bad_input naming "FILE:LINE: field 'X': ...". Refuses a release that
  // has no SHA256 field (MD5Sum/SHA1 only).
  static Release parse(const signature::SignedText& text, const std::string& file);

  const std::string& suite() const { return m_suite; }
  const std::string& codename() const { return m_codename; }
  const std::string& origin() const { return m_origin; }
  std::optional<std::time_t> date() const { return m_date; }
  std::optional<std::time_t> valid_until() const { return m_valid_until; }
  const std::vector<std::string>& architectures() const { return m_architectures; }
  const std::vector<std::string>& components() const { return m_components; }
  bool acquire_by_hash() const { return m_acquire_by_hash; }
  const IndexFile* find(const std::string& path) const;  // from the SHA256 list
  const std::map<std::string, IndexFile>& files() const { return m_files; }

  // True when `wanted` equals Suite or Codename.
  bool matches(const std::string& wanted) const;

private:
  std::string m_suite, m_codename, m_origin;
  std::optional<std::time_t> m_date, m_valid_until;
  std::vector<std::string> m_architectures, m_components;
  bool m_acquire_by_hash = false;
  std::map<std::string, IndexFile> m_files;
};

// RFC 2822 date as used by Release ("Sat, 10 May 2025 09:04:35 UTC"), parsed
// without the locale. Returns nullopt when malformed.
std::optional<std::time_t> parse_release_date(const std::string& text);

} // namespace acikit::repo
