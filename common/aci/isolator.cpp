#include "aci/isolator.hpp"

#include "aci/chars.hpp"
#include "aci/json_strict.hpp"
#include "util/strings.hpp"

#include <initializer_list>
#include <map>
#include <set>

namespace acikit::aci {

namespace {

using json = nlohmann::json;

// A failure inside the value, thrown internally and caught in parse().
struct ValueError {
  std::string field;
  std::string what;
};

[[noreturn]] void bad(const std::string& field, const std::string& what) { throw ValueError{field, what}; }

std::string got(const json& j) { return std::string(", got ") + j.type_name(); }

// An object; refuses members that differ from a used one only by case.
const json& object(const json& j, const std::string& f, std::initializer_list<const char*> used)
{
  if (!j.is_object()) {
    bad(f, "expected an object" + got(j));
  }
  for (const auto& [k, v] : j.items()) {
    for (const char* u : used) {
      if (k != u && util::to_lower(k) == util::to_lower(u)) {
        bad(f + "." + k, std::string("unknown member (keys are case-sensitive: did you mean '") + u + "'?)");
      }
    }
  }
  return j;
}

// A member; null counts as absent (as in Go).
const json* member(const json& obj, const char* key)
{
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return nullptr;
  }
  return &*it;
}

const std::string& string_of(const json& j, const std::string& f)
{
  if (!j.is_string()) {
    bad(f, "expected a string" + got(j));
  }
  return j.get_ref<const std::string&>();
}

std::int64_t integer_of(const json& j, const std::string& f, std::int64_t min, std::int64_t max)
{
  bool in_range = false;
  std::int64_t v = 0;
  if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    in_range = u <= static_cast<std::uint64_t>(max);
    v = in_range ? static_cast<std::int64_t>(u) : 0;
  } else if (j.is_number_integer()) {
    v = j.get<std::int64_t>();
    in_range = true;
  } else {
    bad(f, "expected an integer" + got(j));
  }
  if (!in_range || v < min || v > max) {
    bad(f, j.dump() + " is not in " + std::to_string(min) + ".." + std::to_string(max));
  }
  return v;
}

// A quantity is a string, or (the reference reads the raw JSON) a number.
void quantity(const json& j, const std::string& f)
{
  std::string text;
  if (j.is_string()) {
    text = j.get<std::string>();
  } else if (j.is_number()) {
    text = j.dump();
  } else {
    bad(f, "expected a quantity (a string such as \"500m\" or \"1Gi\")" + got(j));
  }
  if (auto p = quantity_problem(text); !p.empty()) {
    bad(f, "'" + text + "' " + p);
  }
}

// set: a non-empty array of strings, each checked by `item`.
template <typename Check>
void string_set(const json& obj, const std::string& f, Check item)
{
  const json* s = member(obj, "set");
  if (!s) {
    bad(f + ".set", "required (a non-empty list)");
  }
  if (!s->is_array()) {
    bad(f + ".set", "expected an array" + got(*s));
  }
  if (s->empty()) {
    bad(f + ".set", "must not be empty");
  }
  std::size_t i = 0;
  for (const auto& e : *s) {
    auto ef = f + ".set[" + std::to_string(i++) + "]";
    item(string_of(e, ef), ef);
  }
}

void resource(const json& v, const std::string& f, bool default_true)
{
  object(v, f, {"default", "request", "limit"});
  const json* d = member(v, "default");
  if (d && !d->is_boolean()) {
    bad(f + ".default", "expected a boolean" + got(*d));
  }
  bool def = d && d->get<bool>();
  if (default_true && !def) {
    bad(f + ".default", "must be true (the limit applies to every device)");
  }
  if (!default_true && def) {
    bad(f + ".default", "must be false");
  }
  if (const json* r = member(v, "request")) {
    if (default_true) {
      bad(f + ".request", "not supported by this resource (only a limit)");
    }
    quantity(*r, f + ".request");
  }
  if (const json* l = member(v, "limit")) {
    quantity(*l, f + ".limit");
  }
}

// Capability names as the kernel spells them (capabilities(7)): CAP_ and
// upper-case letters, digits, '_'. The reference accepts any string; a name
// without CAP_ is refused by every runtime, so refusing it here is safer.
void capability(const std::string& c, const std::string& f)
{
  bool ok = c.size() > 4 && c.compare(0, 4, "CAP_") == 0;
  for (std::size_t i = 4; ok && i < c.size(); ++i) {
    ok = (c[i] >= 'A' && c[i] <= 'Z') || is_digit(c[i]) || c[i] == '_';
  }
  if (!ok) {
    bad(f, "'" + c + "' is not a capability name (CAP_ and upper-case letters, digits, '_')");
  }
}

void syscall(const std::string& s, const std::string& f)
{
  if (s.empty()) {
    bad(f, "a syscall name cannot be empty");
  }
}

// errno (ace.md: "all-uppercase name of a single errno code"; the reference:
// 'E' then upper-case letters or digits). "" means: kill with SIGSYS.
void seccomp_errno(const json& v, const std::string& f)
{
  const json* e = member(v, "errno");
  if (!e) {
    return;
  }
  const auto& s = string_of(*e, f + ".errno");
  bool ok = s.empty() || s[0] == 'E';
  for (std::size_t i = 1; ok && i < s.size(); ++i) {
    ok = (s[i] >= 'A' && s[i] <= 'Z') || is_digit(s[i]);
  }
  if (!ok) {
    bad(f + ".errno", "'" + s + "' is not an errno name (E and upper-case letters or digits, e.g. ENOTSUP)");
  }
}

void selinux_part(const json& v, const char* key, const std::string& f, bool colon_allowed)
{
  const json* p = member(v, key);
  if (!p) {
    bad(f + "." + key, "required");
  }
  const auto& s = string_of(*p, f + "." + key);
  if (s.empty()) {
    bad(f + "." + key, "cannot be empty");
  }
  if (!colon_allowed && s.find(':') != std::string::npos) {
    bad(f + "." + key, "'" + s + "' must not hold ':'");
  }
}

enum class Kind {
  resource_request_limit,
  resource_default_limit,
  capabilities,
  seccomp,
  boolean,
  selinux,
  oom_score_adj,
  cpu_shares,
  sysctl,
};

const std::map<std::string, Kind, std::less<>>& known()
{
  static const std::map<std::string, Kind, std::less<>> k{
      {"resource/cpu", Kind::resource_request_limit},
      {"resource/memory", Kind::resource_request_limit},
      {"resource/block-bandwidth", Kind::resource_default_limit},
      {"resource/block-iops", Kind::resource_default_limit},
      {"resource/network-bandwidth", Kind::resource_default_limit},
      {"os/linux/capabilities-retain-set", Kind::capabilities},
      {"os/linux/capabilities-remove-set", Kind::capabilities},
      {"os/linux/seccomp-retain-set", Kind::seccomp},
      {"os/linux/seccomp-remove-set", Kind::seccomp},
      {"os/linux/no-new-privileges", Kind::boolean},
      {"os/linux/selinux-context", Kind::selinux},
      {"os/linux/oom-score-adj", Kind::oom_score_adj},
      {"os/linux/cpu-shares", Kind::cpu_shares},
      {"os/unix/sysctl", Kind::sysctl},
  };
  return k;
}

void check_value(Kind kind, const json& v)
{
  const std::string f = "value";
  switch (kind) {
  case Kind::resource_request_limit:
    resource(v, f, false);
    return;
  case Kind::resource_default_limit:
    resource(v, f, true);
    return;
  case Kind::capabilities:
    object(v, f, {"set"});
    string_set(v, f, capability);
    return;
  case Kind::seccomp:
    object(v, f, {"set", "errno"});
    string_set(v, f, syscall);
    seccomp_errno(v, f);
    return;
  case Kind::boolean:
    if (!v.is_boolean()) {
      bad(f, "expected a boolean" + got(v));
    }
    return;
  case Kind::selinux:
    object(v, f, {"user", "role", "type", "level"});
    selinux_part(v, "user", f, false);
    selinux_part(v, "role", f, false);
    selinux_part(v, "type", f, false);
    selinux_part(v, "level", f, true);  // an MLS range holds ':' (s0-s0:c0.c1023)
    return;
  case Kind::oom_score_adj:
    integer_of(v, f, -1000, 1000);
    return;
  case Kind::cpu_shares:
    integer_of(v, f, 2, 262144);
    return;
  case Kind::sysctl:
    if (!v.is_object()) {
      bad(f, "expected an object of sysctl keys and string values" + got(v));
    }
    for (const auto& [k, e] : v.items()) {
      string_of(e, f + "." + k);
    }
    return;
  }
}

bool is_suffix(std::string_view s, bool& upper_k)
{
  static const std::set<std::string_view> names{"",  "n",  "u",  "m",  "k",  "M",  "G",  "T",
                                                "P", "E",  "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  upper_k = s == "K";
  if (names.count(s) || upper_k) {
    return true;
  }
  if (s.empty() || (s[0] != 'e' && s[0] != 'E')) {
    return false;
  }
  std::size_t i = 1;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    ++i;
  }
  if (i == s.size() || s.size() - i > 3) {  // bounded: 10^999 is no resource
    return false;
  }
  for (; i < s.size(); ++i) {
    if (!is_digit(s[i])) {
      return false;
    }
  }
  return true;
}

bool quantity_upper_k(std::string_view s)
{
  return !s.empty() && s.back() == 'K' && quantity_problem(s).empty();
}

} // namespace

std::string quantity_problem(std::string_view s)
{
  const std::string form = "is not a quantity (e.g. 500m, 2, 1.5, 128M, 1Gi)";
  std::size_t i = 0;
  if (s.empty()) {
    return "is not a quantity (empty)";
  }
  if (s[0] == '-') {
    return "must not be negative";
  }
  if (s[0] == '+') {
    ++i;
  }
  std::size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) {
    ++i;
    ++int_digits;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) {
      ++i;
      ++frac_digits;
    }
  }
  if (int_digits + frac_digits == 0) {
    return form;
  }
  bool upper_k = false;
  if (!is_suffix(s.substr(i), upper_k)) {
    return form;
  }
  return "";
}

bool is_known_isolator(std::string_view name) { return known().count(name) > 0; }

Result<Isolator> Isolator::parse(AcIdentifier name, std::string_view value_json)
{
  auto v = parse_json_strict(value_json);
  if (!v) {
    return fail("value: " + v.error());
  }
  auto it = known().find(name.str());
  if (it != known().end()) {
    try {
      check_value(it->second, v.value());
    } catch (const ValueError& e) {
      return fail(e.field + ": " + e.what);
    }
  }
  return Isolator(std::move(name), canonical_dump(v.value(), false));
}

Result<bool> check_isolator_set(const std::vector<Isolator>& isolators)
{
  static const std::set<std::string_view> single{"os/linux/seccomp-retain-set", "os/linux/seccomp-remove-set",
                                                 "os/linux/selinux-context",    "os/linux/oom-score-adj",
                                                 "os/linux/cpu-shares",         "os/unix/sysctl"};
  static const std::map<std::string_view, std::string_view> conflicts{
      {"os/linux/seccomp-retain-set", "os/linux/seccomp-remove-set"},
      {"os/linux/seccomp-remove-set", "os/linux/seccomp-retain-set"},
      {"os/linux/capabilities-retain-set", "os/linux/capabilities-remove-set"},
      {"os/linux/capabilities-remove-set", "os/linux/capabilities-retain-set"},
  };
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < isolators.size(); ++i) {
    std::string_view n = isolators[i].name().str();
    const std::string at = "[" + std::to_string(i) + "]: ";
    if (seen.count(n) && single.count(n)) {
      return fail(at + "only one '" + std::string(n) + "' isolator is allowed");
    }
    if (auto c = conflicts.find(n); c != conflicts.end() && seen.count(c->second)) {
      return fail(at + "'" + std::string(n) + "' cannot be used with '" + std::string(c->second) + "'");
    }
    seen.insert(n);
  }
  return true;
}

std::string isolator_unwritable_reason(const Isolator& isolator)
{
  auto it = known().find(isolator.name().str());
  if (it == known().end() ||
      (it->second != Kind::resource_request_limit && it->second != Kind::resource_default_limit)) {
    return "";
  }
  auto v = json::parse(isolator.value_json());
  for (const char* key : {"request", "limit"}) {
    const json* q = member(v, key);
    if (q && q->is_string() && quantity_upper_k(q->get<std::string>())) {
      return std::string("value.") + key + ": '" + q->get<std::string>() +
             "': write 'k' (or 'Ki') for kilo: the reference reads no upper-case 'K'";
    }
  }
  return "";
}

} // namespace acikit::aci
