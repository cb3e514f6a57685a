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
  // The regular expression allows exactly one separator between alphanumeric
  // runs; "a--b" and "a/-b" do not match it (the reference code's looser
  // character check accepts them, the spec's expression does not: we follow the
  // expression, which is stricter and which everything we write satisfies).
  bool previous_separator = true;
  for (char c : s) {
    if (is_lower_alnum(c)) {
      previous_separator = false;
    } else if (is_separator(c)) {
      if (previous_separator) {
        return fail(q + " must start with a lower-case letter or digit and hold no two separators in a row");
      }
      previous_separator = true;
    } else {
      return fail(q + " may hold only lower-case letters, digits and '-._~/'");
    }
  }
  if (previous_separator) {
    return fail(q + " must end with a lower-case letter or digit");
  }
  return AcIdentifier(std::string(s));
}

} // namespace acikit::aci
