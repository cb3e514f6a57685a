#include "repo/lock.hpp"

#include "util/error.hpp"
#include "util/calendar.hpp"
#include "util/strings.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <tuple>

namespace acikit::repo {

namespace {

using Json = nlohmann::ordered_json;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm):
// no timegm, no TZ, no locale.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d)
{
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out)
{
  if (at + n > s.size()) {
    return false;
  }
  out = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    out = out * 10 + (s[i] - '0');
  }
  return true;
}


bool is_hex64(const std::string& s)
{
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// Reads one object's fields, refusing unknown keys and wrong types.
class Fields {
public:
  Fields(const Json& j, std::string path, const std::string& file, std::set<std::string> known)
      : m_j(j), m_path(std::move(path)), m_file(file)
  {
    if (!j.is_object()) {
      fail("", "expected an object");
    }
    for (const auto& [k, v] : j.items()) {
      if (!known.count(k)) {
        fail(k, "unknown key");
      }
    }
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const
  {
    std::string name = m_path.empty() ? key : key.empty() ? m_path : m_path + "." + key;
    throw_bad_input(m_file, name.empty() ? what : "field '" + name + "': " + what);
  }

  const Json* get(const std::string& key, bool required = true) const
  {
    auto it = m_j.find(key);
    if (it == m_j.end() || (!required && it->is_null())) {
      if (required) {
        fail(key, "missing");
      }
      return nullptr;
    }
    return &*it;
  }

  std::string str(const std::string& key) const
  {
    const Json* v = get(key);
    if (!v->is_string() || v->get_ref<const std::string&>().empty()) {
      fail(key, "expected a non-empty string");
    }
    return v->get<std::string>();
  }

  std::uint64_t uint(const std::string& key) const
  {
    const Json* v = get(key);
    if (!v->is_number_unsigned()) {
      fail(key, "expected a non-negative integer");
    }
    return v->get<std::uint64_t>();
  }

  std::string sha256(const std::string& key) const
  {
    std::string s = str(key);
    if (!is_hex64(s)) {
      fail(key, "expected 64 lower-case hex digits");
    }
    return s;
  }

  std::time_t time(const std::string& key) const
  {
    auto t = parse_rfc3339(str(key));
    if (!t) {
      fail(key, "expected an RFC 3339 date, e.g. 2026-12-03T10:00:00Z");
    }
    return *t;
  }

  std::optional<std::time_t> opt_time(const std::string& key) const
  {
    if (!get(key, false)) {
      return std::nullopt;
    }
    return time(key);
  }

  const Json& array(const std::string& key) const
  {
    const Json* v = get(key);
    if (!v->is_array()) {
      fail(key, "expected an array");
    }
    return *v;
  }

private:
  const Json& m_j;
  std::string m_path;
  const std::string& m_file;
};

} // namespace

std::string format_rfc3339(std::time_t t)
{
  std::int64_t s = t;
  std::int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
  std::int64_t sec = s - days * 86400;
  // civil_from_days (H. Hinnant).
  std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(y), m, d,
                static_cast<int>(sec / 3600), static_cast<int>(sec / 60 % 60), static_cast<int>(sec % 60));
  return buf;
}

std::optional<std::time_t> parse_rfc3339(std::string_view s)
{
  // RFC 3339 §5.6: full-date "T" full-time; time-offset "Z" or +hh:mm.
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  if (!digits(s, 0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, se)) {
    return std::nullopt;
  }
  if (!util::is_calendar_day(y, mo, d) || h > 23 || mi > 59 || se > 60) {
    return std::nullopt;
  }
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    ++at;
    std::size_t start = at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      ++at;
    }
    if (at == start) {
      return std::nullopt;
    }
  }
  std::int64_t offset = 0;
  std::string_view rest = s.substr(at);
  if (rest == "Z" || rest == "z") {
    offset = 0;
  } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    int oh = 0, om = 0;
    if (!digits(rest, 1, 2, oh) || !digits(rest, 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (oh * 60 + om) * 60 * (rest[0] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  std::int64_t t = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
                   mi * 60 + std::min(se, 59) - offset;
  return static_cast<std::time_t>(t);
}

std::time_t parse_date_arg(const std::string& text, const std::string& option)
{
  int y = 0, m = 0, d = 0;
  if (text.size() == 10 && digits(text, 0, 4, y) && text[4] == '-' && digits(text, 5, 2, m) && text[7] == '-' &&
      digits(text, 8, 2, d) && util::is_calendar_day(y, m, d)) {
    return static_cast<std::time_t>(days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) * 86400);
  }
  if (auto t = parse_rfc3339(text)) {
    return *t;
  }
  throw_usage(option + " '" + text + "': expected YYYY-MM-DD or an RFC 3339 date (2026-12-03T10:00:00Z)");
}

std::string Lock::to_json() const
{
  Json j;
  j["version"] = 1;
  j["arch"] = arch;
  j["created"] = format_rfc3339(created);
  if (as_of) {
    j["as_of"] = format_rfc3339(*as_of);
  }
  j["sources"] = Json::array();
  for (const auto& s : sources) {
    Json o;
    o["uri"] = s.uri;
    o["suite"] = s.suite;
    o["components"] = s.components;
    o["inrelease_sha256"] = s.inrelease_sha256;
    if (!s.release_gpg_sha256.empty()) {
      o["release_gpg_sha256"] = s.release_gpg_sha256;
    }
    o["signer_fingerprint"] = s.signer_fingerprint;
    o["signed_at"] = format_rfc3339(s.signed_at);
    o["release_date"] = s.release_date ? Json(format_rfc3339(*s.release_date)) : Json(nullptr);
    j["sources"].push_back(std::move(o));
  }
  std::vector<const LockPackage*> sorted;
  for (const auto& p : packages) {
    sorted.push_back(&p);
  }
  std::sort(sorted.begin(), sorted.end(), [](const LockPackage* a, const LockPackage* b) {
    return std::tie(a->name, a->version, a->architecture) < std::tie(b->name, b->version, b->architecture);
  });
  j["packages"] = Json::array();
  for (const auto* p : sorted) {
    Json o;
    o["name"] = p->name;
    o["version"] = p->version;
    o["architecture"] = p->architecture;
    o["filename"] = p->filename;
    o["size"] = p->size;
    o["sha256"] = p->sha256;
    o["source"] = p->source;
    j["packages"].push_back(std::move(o));
  }
  return j.dump(2) + "\n";
}

Lock Lock::parse(std::string_view text, const std::string& file)
{
  Json j;
  try {
    j = Json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    throw_bad_input(file, std::string("not JSON: ") + e.what());
  }
  Fields top(j, "", file, {"version", "arch", "created", "as_of", "sources", "packages"});
  if (top.uint("version") != 1) {
    top.fail("version", "unsupported lockfile version (expected 1)");
  }
  Lock lock;
  lock.arch = top.str("arch");
  lock.created = top.time("created");
  lock.as_of = top.opt_time("as_of");
  const Json& sources = top.array("sources");
  if (sources.empty()) {
    top.fail("sources", "empty");
  }
  for (std::size_t i = 0; i < sources.size(); ++i) {
    Fields f(sources[i], "sources[" + std::to_string(i) + "]", file,
             {"uri", "suite", "components", "inrelease_sha256", "release_gpg_sha256", "signer_fingerprint",
              "signed_at", "release_date"});
    LockSource s;
    s.uri = f.str("uri");
    s.suite = f.str("suite");
    for (const auto& c : f.array("components")) {
      if (!c.is_string() || c.get_ref<const std::string&>().empty()) {
        f.fail("components", "expected non-empty strings");
      }
      s.components.push_back(c.get<std::string>());
    }
    s.inrelease_sha256 = f.sha256("inrelease_sha256");
    if (f.get("release_gpg_sha256", false)) {
      s.release_gpg_sha256 = f.sha256("release_gpg_sha256");
    }
    s.signer_fingerprint = f.str("signer_fingerprint");
    s.signed_at = f.time("signed_at");
    s.release_date = f.opt_time("release_date");
    lock.sources.push_back(std::move(s));
  }
  const Json& packages = top.array("packages");
  for (std::size_t i = 0; i < packages.size(); ++i) {
    Fields f(packages[i], "packages[" + std::to_string(i) + "]", file,
             {"name", "version", "architecture", "filename", "size", "sha256", "source"});
    LockPackage p;
    p.name = f.str("name");
    p.version = f.str("version");
    p.architecture = f.str("architecture");
    p.filename = f.str("filename");
    if (!util::is_safe_relative_path(p.filename)) {
      f.fail("filename", "unsafe path '" + p.filename + "'");
    }
    p.size = f.uint("size");
    p.sha256 = f.sha256("sha256");
    p.source = f.uint("source");
    if (p.source >= lock.sources.size()) {
      f.fail("source", "no source " + std::to_string(p.source) + " (" + std::to_string(lock.sources.size()) +
                           " given)");
    }
    lock.packages.push_back(std::move(p));
  }
  return lock;
}

} // namespace acikit::repo
