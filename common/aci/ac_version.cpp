#include "aci/ac_version.hpp"

#include "aci/chars.hpp"
#include "util/strings.hpp"

namespace acikit::aci {

namespace {

// A numeric identifier: digits, no leading zero unless it is "0" (SemVer 2.0.0 §2, §9).
bool numeric_identifier(std::string_view s)
{
  if (s.empty() || s.size() > 19) {
    return false;
  }
  for (char c : s) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return s.size() == 1 || s[0] != '0';
}

bool alnum_identifier(std::string_view s)
{
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!is_digit(c) && !is_alpha(c) && c != '-') {
      return false;
    }
  }
  return true;
}

bool all_digits(std::string_view s)
{
  for (char c : s) {
    if (!is_digit(c)) {
      return false;
    }
  }
  return true;
}

} // namespace

Result<AcVersion> AcVersion::parse(std::string_view s)
{
  const std::string q = "AC Version '" + std::string(s) + "'";
  if (s.empty()) {
    return fail("AC Version cannot be empty");
  }
  std::string_view core = s, pre, build;
  bool has_pre = false, has_build = false;
  if (auto plus = core.find('+'); plus != std::string_view::npos) {
    build = core.substr(plus + 1);
    core = core.substr(0, plus);
    has_build = true;
  }
  if (auto dash = core.find('-'); dash != std::string_view::npos) {
    pre = core.substr(dash + 1);
    core = core.substr(0, dash);
    has_pre = true;
  }
  auto parts = util::split(core, '.');
  if (parts.size() != 3) {
    return fail(q + " is not a semantic version MAJOR.MINOR.PATCH");
  }
  for (auto p : parts) {
    if (!numeric_identifier(p)) {
      return fail(q + ": '" + std::string(p) + "' is not a version number (digits, no leading zero)");
    }
  }
  if (has_pre) {
    for (auto id : util::split(pre, '.')) {
      // Pre-release identifiers: alphanumeric or numeric without leading zeros (§9).
      if (!alnum_identifier(id) || (all_digits(id) && !numeric_identifier(id))) {
        return fail(q + ": bad pre-release identifier '" + std::string(id) + "'");
      }
    }
  }
  if (has_build) {
    for (auto id : util::split(build, '.')) {
      if (!alnum_identifier(id)) {
        return fail(q + ": bad build metadata identifier '" + std::string(id) + "'");
      }
    }
  }
  AcVersion v;
  v.m_value = std::string(s);
  v.m_major = std::stoull(std::string(parts[0]));
  return v;
}

} // namespace acikit::aci
