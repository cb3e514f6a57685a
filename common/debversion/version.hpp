#pragma once
// Debian version numbers, Debian Policy §5.6.12: [epoch:]upstream[-revision],
// parsed and compared exactly as dpkg 1.21 does (lib/dpkg/parsehelp.c
// parseversion, lib/dpkg/version.c verrevcmp: '~' sorts before everything, even
// the end; letters before non-letters; digit runs by value, of any length).
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace acikit::debversion {

class Version {
public:
  // As lenient as dpkg: fails where dpkg fails ("version string is empty",
  // "epoch in version is not number", "nothing after colon in version number",
  // "revision number is empty", ...), accepts what dpkg only warns about (an
  // upstream part not starting with a digit, odd characters) and records the
  // warning. Leading/trailing blanks are trimmed as dpkg does.
  static Result<Version> parse(std::string_view text);
  // Policy §5.6.12 strictly: dpkg's warnings are failures too.
  static Result<Version> parse_strict(std::string_view text);

  unsigned long epoch() const { return m_epoch; }
  const std::string& upstream() const { return m_upstream; }
  const std::string& revision() const { return m_revision; }  // "" when absent
  const std::string& str() const { return m_text; }           // as given (blanks trimmed)
  // dpkg's warning text ("version number does not start with digit"), or "".
  const std::string& warning() const { return m_warning; }

private:
  Version() = default;
  static Result<Version> parse_impl(std::string_view text, bool strict);
  unsigned long m_epoch = 0;
  std::string m_upstream;
  std::string m_revision;
  std::string m_text;
  std::string m_warning;
};

// -1, 0, 1 like dpkg --compare-versions (lt / eq / gt). A missing revision
// compares equal to "0" ("1.0" == "1.0-0"), as in dpkg.
int compare(const Version& a, const Version& b);

inline bool operator<(const Version& a, const Version& b) { return compare(a, b) < 0; }
inline bool operator==(const Version& a, const Version& b) { return compare(a, b) == 0; }

} // namespace acikit::debversion
