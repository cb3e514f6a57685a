// Release files (Debian wiki "DebianRepository/Format", "Release"): parsed only
// from the plaintext a SignedText holds (DESIGN.md, Trust 2). MD5Sum and SHA1
// lists are ignored; a release without SHA256 is refused (Trust 3).
#include "repo/release.hpp"

#include <array>

#include "deb822/deb822.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace acikit::repo {

namespace {

std::string at_line(const std::string& file, std::size_t line)
{
  return file + ":" + std::to_string(line);
}

bool all_digits(std::string_view s)
{
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

int to_int(std::string_view s)
{
  int v = 0;
  for (char c : s) {
    v = v * 10 + (c - '0');
  }
  return v;
}

bool is_hex64(std::string_view s)
{
  if (s.size() != 64) {
    return false;
  }
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms", days_from_civil).
long long days_from_civil(long long y, unsigned m, unsigned d)
{
  y -= m <= 2 ? 1 : 0;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool iequals(std::string_view a, std::string_view b) { return util::to_lower(a) == util::to_lower(b); }

const std::string k_date_example = "expected a date like 'Sat, 10 May 2025 09:04:35 UTC'";

} // namespace

std::optional<std::time_t> parse_release_date(const std::string& text)
{
  static const std::array<const char*, 7> days = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static const std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto t = util::split_ws(text);
  std::size_t i = 0;
  // RFC 2822 §3.3: [ day-of-week "," ] day month year time zone
  if (!t.empty() && t[0].size() == 4 && t[0].back() == ',') {
    bool known = false;
    for (const char* d : days) {
      known = known || iequals(t[0].substr(0, 3), d);
    }
    if (!known) {
      return std::nullopt;
    }
    i = 1;
  }
  if (t.size() != i + 5) {
    return std::nullopt;
  }
  std::string_view sday = t[i], smon = t[i + 1], syear = t[i + 2], stime = t[i + 3], szone = t[i + 4];
  if (!all_digits(sday) || sday.size() > 2 || !all_digits(syear) || syear.size() != 4) {
    return std::nullopt;
  }
  unsigned month = 0;
  for (unsigned m = 0; m < months.size(); ++m) {
    if (iequals(smon, months[m])) {
      month = m + 1;
    }
  }
  if (month == 0) {
    return std::nullopt;
  }
  auto hms = util::split(stime, ':');
  if (hms.size() < 2 || hms.size() > 3) {
    return std::nullopt;
  }
  for (auto part : hms) {
    if (part.size() != 2 || !all_digits(part)) {
      return std::nullopt;
    }
  }
  const int year = to_int(syear);
  const int day = to_int(sday);
  const int hour = to_int(hms[0]);
  const int minute = to_int(hms[1]);
  const int second = hms.size() == 3 ? to_int(hms[2]) : 0;
  static const std::array<int, 12> month_days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const int mdays = month_days[month - 1] + (month == 2 && leap(year) ? 1 : 0);
  if (day < 1 || day > mdays || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  long long offset = 0;
  if (szone == "UTC" || szone == "GMT" || szone == "UT" || szone == "Z") {
    offset = 0;
  } else if (szone.size() == 5 && (szone[0] == '+' || szone[0] == '-') && all_digits(szone.substr(1))) {
    const int oh = to_int(szone.substr(1, 2));
    const int om = to_int(szone.substr(3, 2));
    if (om > 59) {
      return std::nullopt;
    }
    offset = (oh * 3600LL + om * 60LL) * (szone[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  const long long secs = days_from_civil(year, month, static_cast<unsigned>(day)) * 86400LL +
                         hour * 3600LL + minute * 60LL + second - offset;
  return static_cast<std::time_t>(secs);
}

Release Release::parse(const signature::SignedText& text, const std::string& file)
{
  auto paragraphs = deb822::parse(text.plaintext(), file);
  if (paragraphs.empty()) {
    throw_bad_input(file, "release is empty");
  }
  if (paragraphs.size() > 1) {
    throw_bad_input(at_line(file, paragraphs[1].line), "unexpected second paragraph in a release");
  }
  const deb822::Paragraph& p = paragraphs[0];
  Release r;
  auto text_of = [&](const char* name) { return std::string(util::trim(p.get(name).value_or(""))); };
  r.m_origin = text_of("Origin");
  r.m_suite = text_of("Suite");
  r.m_codename = text_of("Codename");
  if (r.m_suite.empty() && r.m_codename.empty()) {
    throw_bad_input(file, "release has neither Suite nor Codename");
  }
  auto date_of = [&](const char* name) -> std::optional<std::time_t> {
    const deb822::Field* f = p.find(name);
    if (f == nullptr) {
      return std::nullopt;
    }
    auto d = parse_release_date(f->value);
    if (!d) {
      throw_bad_input(at_line(file, f->line), std::string("field '") + name + "': " + k_date_example);
    }
    return d;
  };
  r.m_date = date_of("Date");
  r.m_valid_until = date_of("Valid-Until");
  const std::string architectures = p.get("Architectures").value_or("");
  for (auto w : util::split_ws(architectures)) {
    r.m_architectures.emplace_back(w);
  }
  const std::string components = p.get("Components").value_or("");
  for (auto w : util::split_ws(components)) {
    r.m_components.emplace_back(w);
  }
  if (const deb822::Field* f = p.find("Acquire-By-Hash")) {
    auto v = util::to_lower(util::trim(f->value));
    if (v != "yes" && v != "no") {
      throw_bad_input(at_line(file, f->line), "field 'Acquire-By-Hash': expected 'yes' or 'no'");
    }
    r.m_acquire_by_hash = v == "yes";
  }

  const deb822::Field* sums = p.find("SHA256");
  if (sums == nullptr) {
    throw_bad_input(file, "release has no SHA256 hashes (MD5Sum/SHA1 only are refused)");
  }
  std::size_t line = sums->line;
  for (auto l : util::split(sums->value, '\n')) {
    const std::string where = at_line(file, line++);
    if (util::trim(l).empty()) {
      continue;  // the empty first line of "SHA256:\n HASH SIZE PATH"
    }
    auto parts = util::split_ws(l);
    if (parts.size() != 3 || !is_hex64(parts[0]) || !all_digits(parts[1]) || parts[1].size() > 19) {
      throw_bad_input(where, "field 'SHA256': expected '<hash> <size> <path>'");
    }
    IndexFile f;
    f.sha256 = util::to_lower(parts[0]);
    f.size = std::stoull(std::string(parts[1]));
    f.path = std::string(parts[2]);
    if (!util::is_safe_relative_path(f.path)) {
      throw_bad_input(where, "field 'SHA256': unsafe path '" + f.path + "'");
    }
    auto [it, inserted] = r.m_files.emplace(f.path, f);
    if (!inserted) {
      throw_bad_input(where, "field 'SHA256': duplicate path '" + f.path + "'");
    }
  }
  if (r.m_files.empty()) {
    throw_bad_input(file, "release has no SHA256 hashes (MD5Sum/SHA1 only are refused)");
  }
  return r;
}

const IndexFile* Release::find(const std::string& path) const
{
  auto it = m_files.find(path);
  return it == m_files.end() ? nullptr : &it->second;
}

bool Release::matches(const std::string& wanted) const
{
  return !wanted.empty() && (wanted == m_suite || wanted == m_codename);
}

} // namespace acikit::repo
