#pragma once
// Debian version numbers, Debian Policy §5.6.12: [epoch:]upstream[-revision],
// compared exactly as dpkg does (verrevcmp: '~' sorts before everything, even the
// end; letters before non-letters).
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace acikit::debversion {

class Version {
public:
  static Result<Version> parse(std::string_view text);

  unsigned long epoch() const { return m_epoch; }
  const std::string& upstream() const { return m_upstream; }
  const std::string& revision() const { return m_revision; }  // "" when absent
  const std::string& str() const { return m_text; }           // as given

private:
  Version() = default;
  unsigned long m_epoch = 0;
  std::string m_upstream;
  std::string m_revision;
  std::string m_text;
};

// <0, 0, >0 like dpkg --compare-versions (lt / eq / gt).
int compare(const Version& a, const Version& b);

inline bool operator<(const Version& a, const Version& b) { return compare(a, b) < 0; }
inline bool operator==(const Version& a, const Version& b) { return compare(a, b) == 0; }

} // namespace acikit::debversion
