#include "aci/ac_name.hpp"

#include "aci/chars.hpp"

namespace acikit::aci {

Result<AcName> AcName::parse(std::string_view s)
{
  if (s.empty()) {
    return fail("AC Name cannot be empty");
  }
  // ^[a-z0-9]+([-][a-z0-9]+)*$: alphanumeric runs joined by single '-'.
  bool previous_separator = true;  // at the start, as if after a separator
  for (char c : s) {
    if (is_lower_alnum(c)) {
      previous_separator = false;
    } else if (c == '-') {
      if (previous_separator) {
        return fail("AC Name '" + std::string(s) + "' must start with a lower-case letter or digit and not hold '--'");
      }
      previous_separator = true;
    } else {
      return fail("AC Name '" + std::string(s) + "' may hold only lower-case letters, digits and '-'");
    }
  }
  if (previous_separator) {
    return fail("AC Name '" + std::string(s) + "' must end with a lower-case letter or digit");
  }
  return AcName(std::string(s));
}

} // namespace acikit::aci
