#pragma once
// AC Identifier (appc spec/types.md "AC Identifier Type"):
// ^[a-z0-9]+([-._~/][a-z0-9]+)*$. Image names, label names, isolator names,
// dependency image names, annotation names on reading (see annotations.hpp).
#include "util/result.hpp"

#include <string>
#include <string_view>

namespace acikit::aci {

class AcIdentifier {
public:
  static Result<AcIdentifier> parse(std::string_view s);
  const std::string& str() const { return m_value; }
  friend bool operator==(const AcIdentifier&, const AcIdentifier&) = default;
  friend auto operator<=>(const AcIdentifier&, const AcIdentifier&) = default;

private:
  explicit AcIdentifier(std::string v) : m_value(std::move(v)) {}
  std::string m_value;
};

} // namespace acikit::aci
