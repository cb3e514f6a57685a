// Policy §7.1 relation syntax, read the way dpkg's parsedeps() does for binary
// packages (lib/dpkg/fields.c, f_dependency).
#include "repo/relation.hpp"

#include "util/strings.hpp"

namespace acikit::repo {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s)
{
  while (!s.empty() && is_space(s.front())) {
    s.remove_prefix(1);
  }
  while (!s.empty() && is_space(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

// Package names, Policy §5.6.1: [a-z0-9][a-z0-9+.-]*; like dpkg, the
// two-character minimum is not enforced here. Upper case is refused.
bool valid_name(std::string_view n)
{
  if (n.empty() || !((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= '0' && n[0] <= '9'))) {
    return false;
  }
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

bool valid_arch(std::string_view a)
{
  if (a.empty()) {
    return false;
  }
  for (char c : a) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return false;
    }
  }
  return true;
}

Result<Relation> parse_one(std::string_view text)
{
  std::string_view s = trim(text);
  const std::string quoted = "'" + std::string(s) + "'";
  Relation r;
  if (s.empty()) {
    return fail("empty relation");
  }
  if (s.find('[') != std::string_view::npos || s.find(']') != std::string_view::npos) {
    return fail("relation " + quoted + ": architecture restrictions '[...]' are for source packages only");
  }
  std::size_t i = 0;
  while (i < s.size() && !is_space(s[i]) && s[i] != '(' && s[i] != ':' && s[i] != '<') {
    ++i;
  }
  r.name = std::string(s.substr(0, i));
  if (!valid_name(r.name)) {
    return fail("relation " + quoted + ": bad package name '" + r.name + "'");
  }
  if (i < s.size() && s[i] == ':') {
    std::size_t j = ++i;
    while (i < s.size() && !is_space(s[i]) && s[i] != '(' && s[i] != '<') {
      ++i;
    }
    r.arch_qualifier = std::string(s.substr(j, i - j));
    if (!valid_arch(r.arch_qualifier)) {
      return fail("relation " + quoted + ": bad architecture qualifier '" + r.arch_qualifier + "'");
    }
  }
  std::string_view rest = trim(s.substr(i));
  if (!rest.empty() && rest[0] == '(') {
    auto close = rest.find(')');
    if (close == std::string_view::npos) {
      return fail("relation " + quoted + ": '(' without ')'");
    }
    std::string_view c = trim(rest.substr(1, close - 1));
    rest = trim(rest.substr(close + 1));
    // Longest first; the obsolete "<" and ">" mean "<=" and ">=" (Policy §7.1).
    static constexpr struct {
      std::string_view text;
      VersionOp op;
    } ops[] = {{"<<", VersionOp::lt}, {"<=", VersionOp::le}, {">=", VersionOp::ge}, {">>", VersionOp::gt},
               {"=", VersionOp::eq},  {"<", VersionOp::le},  {">", VersionOp::ge}};
    std::size_t oplen = 0;
    for (const auto& o : ops) {
      if (c.substr(0, o.text.size()) == o.text) {
        r.op = o.op;
        oplen = o.text.size();
        break;
      }
    }
    if (oplen == 0) {
      return fail("relation " + quoted + ": expected one of << <= = >= >> before the version");
    }
    std::string_view v = trim(c.substr(oplen));
    auto parsed = debversion::Version::parse(v);
    if (!parsed) {
      return fail("relation " + quoted + ": version: " + parsed.error());
    }
    r.version = parsed->str();
  }
  if (!rest.empty() && rest[0] == '<') {
    return fail("relation " + quoted + ": build profiles '<...>' are for source packages only");
  }
  if (!rest.empty()) {
    return fail("relation " + quoted + ": unexpected '" + std::string(rest) + "'");
  }
  return r;
}

} // namespace

const char* to_string(VersionOp op)
{
  switch (op) {
  case VersionOp::none: return "";
  case VersionOp::lt: return "<<";
  case VersionOp::le: return "<=";
  case VersionOp::eq: return "=";
  case VersionOp::ge: return ">=";
  case VersionOp::gt: return ">>";
  }
  return "";
}

bool Relation::version_matches(const debversion::Version& candidate) const
{
  if (op == VersionOp::none) {
    return true;
  }
  auto wanted = debversion::Version::parse(version);
  if (!wanted) {
    return false;  // not reachable for a parsed Relation
  }
  const int c = debversion::compare(candidate, *wanted);
  switch (op) {
  case VersionOp::lt: return c < 0;
  case VersionOp::le: return c <= 0;
  case VersionOp::eq: return c == 0;
  case VersionOp::ge: return c >= 0;
  case VersionOp::gt: return c > 0;
  case VersionOp::none: return true;
  }
  return false;
}

std::string Relation::str() const
{
  std::string s = name;
  if (!arch_qualifier.empty()) {
    s += ":" + arch_qualifier;
  }
  if (op != VersionOp::none) {
    s += std::string(" (") + to_string(op) + " " + version + ")";
  }
  return s;
}

Result<std::vector<Alternatives>> parse_relations(std::string_view field)
{
  std::vector<Alternatives> out;
  if (trim(field).empty()) {
    return out;
  }
  for (auto group : util::split(field, ',')) {
    Alternatives alts;
    for (auto alt : util::split(group, '|')) {
      auto r = parse_one(alt);
      if (!r) {
        return fail(r.error());
      }
      alts.push_back(std::move(r).value());
    }
    out.push_back(std::move(alts));
  }
  return out;
}

Result<std::vector<Relation>> parse_provides(std::string_view field)
{
  std::vector<Relation> out;
  if (trim(field).empty()) {
    return out;
  }
  for (auto part : util::split(field, ',')) {
    if (part.find('|') != std::string_view::npos) {
      return fail("provides '" + std::string(trim(part)) + "': alternatives '|' are not allowed in Provides");
    }
    auto r = parse_one(part);
    if (!r) {
      return fail(r.error());
    }
    if (r->op != VersionOp::none && r->op != VersionOp::eq) {
      return fail("provides '" + std::string(trim(part)) + "': only '=' versions are allowed in Provides");
    }
    out.push_back(std::move(r).value());
  }
  return out;
}

} // namespace acikit::repo
