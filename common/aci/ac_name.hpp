#pragma once
// AC Name (appc spec/types.md "AC Name Type"): ^[a-z0-9]+([-][a-z0-9]+)*$.
// Used for mount point and port names (and, on writing, annotation names).
#include "util/result.hpp"

#include <string>
#include <string_view>

namespace acikit::aci {

class AcName {
public:
  static Result<AcName> parse(std::string_view s);
  const std::string& str() const { return m_value; }
  friend bool operator==(const AcName&, const AcName&) = default;
  friend auto operator<=>(const AcName&, const AcName&) = default;

private:
  explicit AcName(std::string v) : m_value(std::move(v)) {}
  std::string m_value;
};

} // namespace acikit::aci
