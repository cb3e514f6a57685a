#pragma once
// AC Version (appc spec/types.md "AC Version Type"): a SemVer 2.0.0 version,
// e.g. "0.8.11", "1.0.0-rc.1+build.5". Also used for nothing else: the
// "version" label is a free string.
#include "util/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace acikit::aci {

class AcVersion {
public:
  static Result<AcVersion> parse(std::string_view s);
  const std::string& str() const { return m_value; }
  std::uint64_t major() const { return m_major; }
  friend bool operator==(const AcVersion& a, const AcVersion& b) { return a.m_value == b.m_value; }

private:
  AcVersion() = default;
  std::string m_value;
  std::uint64_t m_major = 0;
};

// The spec version this implementation writes (appc spec v0.8.11, the last release).
inline constexpr std::string_view k_ac_version = "0.8.11";

} // namespace acikit::aci
