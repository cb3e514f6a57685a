#include "aci/annotations.hpp"

#include "aci/ac_name.hpp"
#include "aci/chars.hpp"
#include "util/calendar.hpp"

#include <algorithm>
#include <set>

namespace acikit::aci {

namespace {

bool digits(std::string_view s, std::size_t at, std::size_t n)
{
  if (at + n > s.size()) {
    return false;
  }
  for (std::size_t i = at; i < at + n; ++i) {
    if (!is_digit(s[i])) {
      return false;
    }
  }
  return true;
}

int num(std::string_view s, std::size_t at, std::size_t n)
{
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    v = v * 10 + (s[i] - '0');
  }
  return v;
}


} // namespace

// RFC 3339 §5.6 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM), on a day that
// exists (§5.7). Decided: read as RFC 3339 says, not as strictly as actool
// (Go's time.RFC3339): "T" and "Z" may be lower case (§5.6's NOTE), and second
// 60 is a leap second (§5.7: whether one happened at that minute needs a
// table, which §5.7 leaves to the application). aci-manifest --created passes
// through this same check.
bool is_rfc3339_date_time(std::string_view s)
{
  if (!digits(s, 0, 4) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2) || s[13] != ':' ||
      !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2)) {
    return false;
  }
  int month = num(s, 5, 2), day = num(s, 8, 2), hour = num(s, 11, 2), minute = num(s, 14, 2),
      second = num(s, 17, 2);
  if (!util::is_calendar_day(num(s, 0, 4), month, day) || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
    }
    if (i == start) {
      return false;
    }
  }
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    return i + 1 == s.size();
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    return i + 6 == s.size() && digits(s, i + 1, 2) && s[i + 3] == ':' && digits(s, i + 4, 2) &&
           num(s, i + 1, 2) <= 23 && num(s, i + 4, 2) <= 59;
  }
  return false;
}

bool is_http_url(std::string_view s)
{
  // RFC 3986 3.1: the scheme is case-insensitive (HTTPS://x is https).
  auto starts = [&](std::string_view p) {
    return s.size() >= p.size() && std::equal(p.begin(), p.end(), s.begin(), [](char a, char b) {
             return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
           });
  };
  std::string_view rest;
  if (starts("http://")) {
    rest = s.substr(7);
  } else if (starts("https://")) {
    rest = s.substr(8);
  } else {
    return false;
  }
  auto host = rest.substr(0, rest.find_first_of("/?#"));
  if (host.empty()) {
    return false;
  }
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

bool annotation_name_writable(std::string_view name) { return AcName::parse(name).ok(); }

Result<Annotations> Annotations::parse(std::vector<Annotation> annotations)
{
  std::set<std::string> seen;
  for (const auto& a : annotations) {
    if (!seen.insert(a.name.str()).second) {
      return fail("duplicate annotation '" + a.name.str() + "'");
    }
    if (a.name.str() == "created" && !is_rfc3339_date_time(a.value)) {
      return fail("annotation 'created': '" + a.value + "' is not an RFC 3339 date-time");
    }
    if ((a.name.str() == "homepage" || a.name.str() == "documentation") && !is_http_url(a.value)) {
      return fail("annotation '" + a.name.str() + "': '" + a.value + "' is not an http or https URL");
    }
  }
  Annotations out;
  out.m_items = std::move(annotations);
  return out;
}

std::optional<std::string> Annotations::get(std::string_view name) const
{
  for (const auto& a : m_items) {
    if (a.name.str() == name) {
      return a.value;
    }
  }
  return std::nullopt;
}

} // namespace acikit::aci
