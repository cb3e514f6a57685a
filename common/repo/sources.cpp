// apt sources, after sources.list(5) (apt 2.6): the deb822 style and the
// one-line style. Only what aci-fetch needs is kept: type deb, URI, suite,
// components, architectures, Signed-By. Options that weaken verification
// (Trusted: yes, [trusted=yes], [allow-insecure=yes]) are never honoured: every
// source is verified (DESIGN.md, Trust).
#include "repo/sources.hpp"

#include <algorithm>
#include <system_error>

#include "deb822/deb822.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace acikit::repo {

namespace {

std::string at_line(const std::string& file, std::size_t line)
{
  return file + ":" + std::to_string(line);
}

bool ends_with(std::string_view s, std::string_view suffix)
{
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string strip_trailing_slashes(std::string_view uri)
{
  while (uri.size() > 1 && uri.back() == '/') {
    uri.remove_suffix(1);
  }
  return std::string(uri);
}

// RFC 3986 section 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then
// ':'. Without one (a bare path such as "/srv/mirror", or "/") the URI reached
// the transport as "//dists/SUITE/InRelease", an environment error (exit 3)
// naming no line; apt wants file:/srv/mirror too. The transport then decides
// which schemes it supports.
std::string checked_uri(const std::string& where, std::string_view uri)
{
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto colon = uri.find(':');
  bool ok = colon != std::string_view::npos && colon > 0 && alpha(uri[0]);
  for (std::size_t i = 1; ok && i < colon; ++i) {
    const char c = uri[i];
    ok = alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  }
  if (!ok) {
    throw_bad_input(where, "URI '" + std::string(uri) + "' has no scheme (e.g. http:// or file://)");
  }
  return strip_trailing_slashes(uri);
}

std::vector<std::string> words(std::string_view s)
{
  std::vector<std::string> out;
  for (auto w : util::split_ws(s)) {
    out.emplace_back(w);
  }
  return out;
}

// A suite ending in '/' is an exact path (flat repository): it takes no
// components; any other suite needs at least one (sources.list(5)).
void check_components(const std::string& where, const std::string& suite,
                      const std::vector<std::string>& components)
{
  if (!suite.empty() && suite.back() == '/') {
    if (!components.empty()) {
      throw_bad_input(where, "suite '" + suite + "' is an exact path and takes no components");
    }
  } else if (components.empty()) {
    throw_bad_input(where, "suite '" + suite + "' needs at least one component");
  }
}

// Signed-By in a .sources file: a path (or several, kept as given), or an
// inline armoured key as a multi-line value whose empty lines are written " ."
// (deb822(5)). The block is given back with the continuation blank removed and
// " ." turned into an empty line, so that the armour is intact.
std::string signed_by_value(const std::string& value)
{
  if (value.find("-----BEGIN PGP PUBLIC KEY BLOCK-----") == std::string::npos) {
    return std::string(util::trim(value));
  }
  std::string out;
  for (auto line : util::split(value, '\n')) {
    auto t = util::trim(line);
    if (t == ".") {
      t = {};
    } else if (t.empty() && out.empty()) {
      continue;  // the (empty) first line of "Signed-By:\n -----BEGIN..."
    }
    out.append(t);
    out.push_back('\n');
  }
  return out;
}

void parse_deb822(std::string_view text, const std::string& file, std::vector<Source>& out)
{
  deb822::for_each_paragraph(text, file, deb822::Comments::yes, [&](const deb822::Paragraph& p) {
    const std::string where = at_line(file, p.line);
    auto require = [&](const char* name) -> const deb822::Field& {
      const deb822::Field* f = p.find(name);
      if (f == nullptr || util::trim(f->value).empty()) {
        throw_bad_input(where, std::string("field '") + name + "': missing");
      }
      return *f;
    };
    if (const deb822::Field* enabled = p.find("Enabled")) {
      auto v = util::to_lower(util::trim(enabled->value));
      if (v == "no") {
        return;
      }
      if (v != "yes") {
        throw_bad_input(at_line(file, enabled->line), "field 'Enabled': expected 'yes' or 'no'");
      }
    }
    const deb822::Field& types = require("Types");
    bool want = false;
    for (const auto& t : words(types.value)) {
      if (t == "deb") {
        want = true;
      } else if (t != "deb-src") {
        throw_bad_input(at_line(file, types.line), "field 'Types': unknown type '" + t + "'");
      }
    }
    const deb822::Field& uris = require("URIs");
    const deb822::Field& suites = require("Suites");
    if (!want) {
      return;
    }
    std::vector<std::string> components;
    if (const deb822::Field* c = p.find("Components")) {
      components = words(c->value);
    }
    std::vector<std::string> architectures;
    if (const deb822::Field* a = p.find("Architectures")) {
      architectures = words(a->value);
    }
    std::string signed_by;
    if (const deb822::Field* s = p.find("Signed-By")) {
      signed_by = signed_by_value(s->value);
    }
    for (const auto& uri : words(uris.value)) {
      for (const auto& suite : words(suites.value)) {
        check_components(where, suite, components);
        Source s;
        s.uri = checked_uri(at_line(file, uris.line), uri);
        s.suite = suite;
        s.components = components;
        s.architectures = architectures;
        s.signed_by = signed_by;
        s.origin = where;
        out.push_back(std::move(s));
      }
    }
  });
}

// `deb [ opt=v opt2=v1,v2 ] URI SUITE [COMPONENT...]`; '#' starts a comment at
// the start of a line or after a blank.
void parse_one_line(std::string_view text, const std::string& file, std::vector<Source>& out)
{
  std::size_t lineno = 0;
  for (auto raw : util::split(text, '\n')) {
    ++lineno;
    const std::string where = at_line(file, lineno);
    std::string_view line = raw;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line = line.substr(0, i);
        break;
      }
    }
    line = util::trim(line);
    if (line.empty()) {
      continue;
    }
    std::size_t type_end = line.find_first_of(" \t[");
    std::string_view type = line.substr(0, type_end);
    if (type != "deb" && type != "deb-src") {
      throw_bad_input(where, "unknown type '" + std::string(type) + "' (expected 'deb' or 'deb-src')");
    }
    std::string_view rest = type_end == std::string_view::npos ? std::string_view{} : util::trim(line.substr(type_end));
    std::vector<std::string> architectures;
    std::string signed_by;
    if (!rest.empty() && rest[0] == '[') {
      auto close = rest.find(']');
      if (close == std::string_view::npos) {
        throw_bad_input(where, "option list '[' without ']'");
      }
      for (auto opt : util::split_ws(rest.substr(1, close - 1))) {
        auto eq = opt.find('=');
        if (eq == std::string_view::npos || eq == 0 || eq + 1 == opt.size()) {
          throw_bad_input(where, "option '" + std::string(opt) + "': expected NAME=VALUE");
        }
        auto name = opt.substr(0, eq);
        auto value = opt.substr(eq + 1);
        if (name == "arch") {
          for (auto a : util::split(value, ',')) {
            if (!a.empty()) {
              architectures.emplace_back(a);
            }
          }
        } else if (name == "signed-by") {
          signed_by = std::string(value);
        }
        // Other options (lang, target, pdiffs, by-hash, trusted, ...) do not
        // change what is fetched or how it is verified here.
      }
      rest = util::trim(rest.substr(close + 1));
    }
    auto parts = util::split_ws(rest);
    if (parts.size() < 2) {
      throw_bad_input(where, "expected '" + std::string(type) + " [OPTIONS] URI SUITE [COMPONENT...]'");
    }
    if (type != "deb") {
      continue;
    }
    Source s;
    s.uri = checked_uri(where, parts[0]);
    s.suite = std::string(parts[1]);
    for (std::size_t i = 2; i < parts.size(); ++i) {
      s.components.emplace_back(parts[i]);
    }
    check_components(where, s.suite, s.components);
    s.architectures = std::move(architectures);
    s.signed_by = std::move(signed_by);
    s.origin = where;
    out.push_back(std::move(s));
  }
}

// apt ignores files in sources.list.d whose names hold other characters
// (sources.list(5), "SOURCES.LIST.D").
bool apt_file_name(const std::string& name)
{
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

} // namespace

std::vector<Source> parse_sources(std::string_view text, const std::string& file)
{
  std::vector<Source> out;
  if (ends_with(file, ".sources")) {
    parse_deb822(text, file, out);
  } else {
    parse_one_line(text, file, out);
  }
  return out;
}

std::vector<Source> load_system_sources(const std::filesystem::path& etc_apt)
{
  namespace fs = std::filesystem;
  std::vector<Source> out;
  auto add = [&](const fs::path& path) {
    auto more = parse_sources(util::read_file(path), path.string());
    out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  };
  std::error_code ec;
  const fs::path list = etc_apt / "sources.list";
  if (fs::is_regular_file(list, ec)) {
    add(list);
  }
  const fs::path dir = etc_apt / "sources.list.d";
  if (!fs::is_directory(dir, ec)) {
    return out;
  }
  std::vector<fs::path> files;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    throw_environment(dir.string(), "cannot list directory: " + ec.message());
  }
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!apt_file_name(name) || !(ends_with(name, ".list") || ends_with(name, ".sources"))) {
      continue;
    }
    if (!entry.is_regular_file(ec)) {
      continue;
    }
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    add(f);
  }
  return out;
}

} // namespace acikit::repo
