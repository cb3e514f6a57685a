// Debian versions as dpkg 1.21 parses (lib/dpkg/parsehelp.c, parseversion) and
// compares them (lib/dpkg/version.c, verrevcmp). The messages are dpkg's own.
#include "debversion/version.hpp"

#include <climits>

namespace acikit::debversion {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// dpkg's order(): '~' before the end, the end (and digits, which end a
// non-digit run) before letters, letters before everything else. dpkg works on
// (signed) char, so bytes >= 0x80 sort like c + 256 with c negative; kept as is.
int order(int c)
{
  if (c >= '0' && c <= '9') {
    return 0;
  }
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
    return c;
  }
  if (c == '~') {
    return -1;
  }
  if (c != 0) {
    return c + 256;
  }
  return 0;
}

int verrevcmp(std::string_view a, std::string_view b)
{
  // at() returns 0 past the end, as dpkg's NUL terminator does.
  auto at = [](std::string_view s, std::size_t i) -> int {
    return i < s.size() ? static_cast<signed char>(s[i]) : 0;
  };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      int ac = order(at(a, i));
      int bc = order(at(b, j));
      if (ac != bc) {
        return ac - bc;
      }
      ++i;
      ++j;
    }
    // Numeric runs compare by value: skip leading zeros, then the longer run
    // wins, else the first differing digit (no integer conversion, no overflow).
    while (at(a, i) == '0') {
      ++i;
    }
    while (at(b, j) == '0') {
      ++j;
    }
    while (is_digit(static_cast<char>(at(a, i))) && is_digit(static_cast<char>(at(b, j)))) {
      if (first_diff == 0) {
        first_diff = at(a, i) - at(b, j);
      }
      ++i;
      ++j;
    }
    if (is_digit(static_cast<char>(at(a, i)))) {
      return 1;
    }
    if (is_digit(static_cast<char>(at(b, j)))) {
      return -1;
    }
    if (first_diff != 0) {
      return first_diff;
    }
  }
  return 0;
}

} // namespace

Result<Version> Version::parse_impl(std::string_view text, bool strict)
{
  // dpkg reads versions as C strings: a NUL byte cannot be part of one. Inside
  // the text it would compare like a digit or the end (order() is 0 for all
  // three), which makes compare() intransitive (found by tests/fuzz/fuzz_version).
  if (text.find('\0') != std::string_view::npos) {
    return fail("version string has an embedded NUL byte");
  }
  // Leading and trailing blanks are trimmed, inner ones refused (as dpkg).
  std::size_t b = 0;
  while (b < text.size() && is_blank(text[b])) {
    ++b;
  }
  if (b == text.size()) {
    return fail("version string is empty");
  }
  std::size_t e = b;
  while (e < text.size() && !is_blank(text[e])) {
    ++e;
  }
  for (std::size_t k = e; k < text.size(); ++k) {
    if (!is_blank(text[k])) {
      return fail("version string has embedded spaces");
    }
  }
  std::string_view s = text.substr(b, e - b);

  Version v;
  v.m_text = std::string(s);
  auto colon = s.find(':');
  if (colon != std::string_view::npos) {
    // dpkg uses strtol: an optional sign, then digits up to the first colon.
    std::size_t k = 0;
    bool negative = false;
    if (k < colon && (s[k] == '+' || s[k] == '-')) {
      negative = s[k] == '-';
      ++k;
    }
    std::size_t digits_start = k;
    unsigned long long epoch = 0;
    bool too_big = false;
    while (k < colon && is_digit(s[k])) {
      epoch = epoch * 10 + static_cast<unsigned>(s[k] - '0');
      if (epoch > static_cast<unsigned long long>(INT_MAX)) {
        too_big = true;
        epoch = static_cast<unsigned long long>(INT_MAX) + 1;
      }
      ++k;
    }
    if (k == digits_start) {
      // strtol converted nothing: dpkg calls that empty, even for "a:1".
      return fail("epoch in version is empty");
    }
    if (k != colon) {
      return fail("epoch in version is not number");
    }
    if (negative && epoch != 0) {
      return fail("epoch in version is negative");
    }
    if (too_big) {
      return fail("epoch in version is too big");
    }
    if (colon + 1 == s.size()) {
      return fail("nothing after colon in version number");
    }
    v.m_epoch = static_cast<unsigned long>(epoch);
    s = s.substr(colon + 1);
  }
  auto hyphen = s.rfind('-');
  if (hyphen != std::string_view::npos) {
    if (hyphen + 1 == s.size()) {
      return fail("revision number is empty");
    }
    v.m_revision = std::string(s.substr(hyphen + 1));
    s = s.substr(0, hyphen);
  }
  if (s.empty()) {
    return fail("version number is empty");
  }
  v.m_upstream = std::string(s);

  // What follows are warnings in dpkg (it still compares such versions); the
  // archive never has them, Policy §5.6.12 forbids them.
  const char* warning = nullptr;
  if (!is_digit(s[0])) {
    warning = "version number does not start with digit";
  } else {
    for (char c : s) {
      if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '-' && c != '+' && c != '~' && c != ':') {
        warning = "invalid character in version number";
        break;
      }
    }
  }
  if (warning == nullptr) {
    for (char c : v.m_revision) {
      if (!is_digit(c) && !is_alpha(c) && c != '.' && c != '+' && c != '~') {
        warning = "invalid character in revision number";
        break;
      }
    }
  }
  if (warning != nullptr) {
    if (strict) {
      return fail(warning);
    }
    v.m_warning = warning;
  }
  return v;
}

Result<Version> Version::parse(std::string_view text) { return parse_impl(text, false); }

Result<Version> Version::parse_strict(std::string_view text) { return parse_impl(text, true); }

int compare(const Version& a, const Version& b)
{
  if (a.epoch() != b.epoch()) {
    return a.epoch() < b.epoch() ? -1 : 1;
  }
  int r = verrevcmp(a.upstream(), b.upstream());
  if (r == 0) {
    r = verrevcmp(a.revision(), b.revision());
  }
  return r < 0 ? -1 : (r > 0 ? 1 : 0);
}

} // namespace acikit::debversion
