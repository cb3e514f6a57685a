#include "aci/ac_identifier.hpp"

#include "aci/chars.hpp"

namespace acikit::aci {

namespace {
bool is_separator(char c) { return c == '-' || c == '.' || c == '_' || c == '~' || c == '/'; }
} // namespace

Result<AcIdentifier> AcIdentifier::parse(std::string_view s)
{
  if (s.empty()) {
    return fail("AC Identifier cannot be empty");
  }
  const std::string q = "AC Identifier '" + std::string(s) + "'";
  // The spec's expression ^[a-z0-9]+([-._~/][a-z0-9]+)*$ rejects two
  // separators in a row, yet its own example "example.com/~user/app_v1" has
  // "/~". The reference code (schema/types/acidentifier.go) checks only the
  // character set and alphanumeric edges; we accept what it accepts, as the
  // example requires.
  for (char c : s) {
    if (!is_lower_alnum(c) && !is_separator(c)) {
      return fail(q + " may hold only lower-case letters, digits and '-._~/'");
    }
  }
  if (!is_lower_alnum(s.front())) {
    return fail(q + " must start with a lower-case letter or digit");
  }
  if (!is_lower_alnum(s.back())) {
    return fail(q + " must end with a lower-case letter or digit");
  }
  return AcIdentifier(std::string(s));
}

} // namespace acikit::aci
