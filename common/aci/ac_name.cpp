#include "aci/ac_name.hpp"

#include "aci/chars.hpp"

namespace acikit::aci {

Result<AcName> AcName::parse(std::string_view s)
{
  if (s.empty()) {
    return fail("AC Name cannot be empty");
  }
  // ^[a-z0-9]+([-][a-z0-9]+)*$ read as the reference code reads it
  // (schema/types/acname.go: character set and alphanumeric edges), consistent
  // with AcIdentifier (see ac_identifier.cpp), so "a--b" is accepted.
  const std::string q = "AC Name '" + std::string(s) + "'";
  for (char c : s) {
    if (!is_lower_alnum(c) && c != '-') {
      return fail(q + " may hold only lower-case letters, digits and '-'");
    }
  }
  if (!is_lower_alnum(s.front())) {
    return fail(q + " must start with a lower-case letter or digit");
  }
  if (!is_lower_alnum(s.back())) {
    return fail(q + " must end with a lower-case letter or digit");
  }
  return AcName(std::string(s));
}

} // namespace acikit::aci
