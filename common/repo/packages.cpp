// Packages indexes (Debian wiki "DebianRepository/Format", "Packages Indices").
#include "repo/packages.hpp"

#include <algorithm>

#include "deb822/deb822.hpp"
#include "debversion/version.hpp"
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
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_hex64(std::string_view s)
{
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
         });
}

bool one_word(std::string_view s)
{
  return !s.empty() && s.find_first_of(" \t\n") == std::string_view::npos;
}

// Pool paths are joined to URLs and file names: relative, no "..".
bool safe_relative_path(std::string_view p)
{
  if (p.empty() || p.front() == '/') {
    return false;
  }
  for (auto part : util::split(p, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return false;
    }
  }
  return true;
}

std::string request_text(const Request& r)
{
  return r.version.empty() ? r.name : r.name + "=" + r.version;
}

// Debian Policy §5.6.1: at least two characters, lower-case letters, digits,
// '+', '-', '.', starting with a letter or digit.
bool valid_package_name(std::string_view n)
{
  if (n.size() < 2 || !((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= '0' && n[0] <= '9'))) {
    return false;
  }
  return std::all_of(n.begin(), n.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
  });
}

} // namespace

void PackageIndex::add(std::string_view text, const std::string& file, std::size_t source_index)
{
  deb822::for_each_paragraph(text, file, deb822::Comments::no, [&](const deb822::Paragraph& p) {
    auto require = [&](const char* name) -> const deb822::Field& {
      const deb822::Field* f = p.find(name);
      if (f == nullptr) {
        throw_bad_input(at_line(file, p.line), std::string("field '") + name + "': missing");
      }
      return *f;
    };
    auto bad = [&](const deb822::Field& f, const std::string& what) {
      throw_bad_input(at_line(file, f.line), "field '" + f.name + "': " + what);
    };
    Package pkg;
    const auto& name = require("Package");
    const auto& version = require("Version");
    const auto& arch = require("Architecture");
    const auto& filename = require("Filename");
    const auto& size = require("Size");
    const auto& sha256 = require("SHA256");
    if (!one_word(name.value)) {
      bad(name, "expected a package name");
    }
    auto v = debversion::Version::parse(version.value);
    if (!v) {
      bad(version, v.error());
    }
    if (!one_word(arch.value)) {
      bad(arch, "expected one architecture");
    }
    if (!one_word(filename.value) || !safe_relative_path(filename.value)) {
      bad(filename, "unsafe path '" + filename.value + "'");
    }
    if (!all_digits(size.value) || size.value.size() > 19) {
      bad(size, "expected a number");
    }
    if (!is_hex64(sha256.value)) {
      bad(sha256, "expected 64 hex digits");
    }
    pkg.name = name.value;
    pkg.version = v->str();
    pkg.architecture = arch.value;
    pkg.filename = filename.value;
    pkg.size = std::stoull(size.value);
    pkg.sha256 = util::to_lower(sha256.value);
    for (const auto& f : p.fields) {
      // One pass for the optional fields (deb822 names are case-insensitive).
      const std::string lname = util::to_lower(f.name);
      if (lname == "multi-arch") {
        pkg.multi_arch = f.value;
      } else if (lname == "depends") {
        pkg.depends = f.value;
      } else if (lname == "pre-depends") {
        pkg.pre_depends = f.value;
      } else if (lname == "recommends") {
        pkg.recommends = f.value;
      } else if (lname == "provides") {
        pkg.provides = f.value;
      }
    }
    pkg.source_index = source_index;
    pkg.origin = at_line(file, p.line);
    m_by_name[pkg.name].push_back(m_packages.size());
    m_packages.push_back(std::move(pkg));
  });
}

std::vector<const Package*> PackageIndex::find(std::string_view name) const
{
  std::vector<const Package*> out;
  auto it = m_by_name.find(std::string(name));
  if (it != m_by_name.end()) {
    for (auto i : it->second) {
      out.push_back(&m_packages[i]);
    }
  }
  return out;
}

Request Request::parse(const std::string& arg)
{
  Request r;
  auto eq = arg.find('=');
  r.name = arg.substr(0, eq);
  if (!valid_package_name(r.name)) {
    throw_usage("package request '" + arg + "': expected NAME or NAME=VERSION with a Debian package name");
  }
  if (eq != std::string::npos) {
    r.version = arg.substr(eq + 1);
    if (r.version.find_first_of(" \t") != std::string::npos) {
      throw_usage("package request '" + arg + "': bad version: version string has embedded spaces");
    }
    auto v = debversion::Version::parse_strict(r.version);
    if (!v) {
      throw_usage("package request '" + arg + "': bad version: " + v.error());
    }
  }
  return r;
}

const Package& select(const PackageIndex& index, const Request& request, const std::string& arch)
{
  const std::string where = request_text(request);
  struct Candidate {
    const Package* pkg;
    debversion::Version version;
  };
  std::vector<Candidate> candidates;
  for (const Package* p : index.find(request.name)) {
    if (p->architecture != arch && p->architecture != "all") {
      continue;
    }
    if (!request.version.empty() && p->version != request.version) {
      continue;
    }
    auto v = debversion::Version::parse(p->version);
    if (v) {  // always true: add() validated it
      candidates.push_back({p, std::move(v).value()});
    }
  }
  if (candidates.empty()) {
    throw_bad_input(where, "no package '" + request.name + "'" +
                               (request.version.empty() ? "" : " version " + request.version) +
                               " for architecture " + arch);
  }
  // Highest version; among equal versions the first source wins, then an
  // architecture-specific package over an "all" one, then index order.
  const Candidate* best = &candidates[0];
  for (const auto& c : candidates) {
    int cmp = debversion::compare(c.version, best->version);
    if (cmp > 0 ||
        (cmp == 0 && (c.pkg->source_index < best->pkg->source_index ||
                      (c.pkg->source_index == best->pkg->source_index && c.pkg->architecture != "all" &&
                       best->pkg->architecture == "all")))) {
      best = &c;
    }
  }
  // The same name, version and architecture must be the same file everywhere:
  // two different files under one identity means a mirror cannot be trusted to
  // give back the one that was locked.
  for (const auto& c : candidates) {
    if (c.pkg != best->pkg && c.pkg->version == best->pkg->version &&
        c.pkg->architecture == best->pkg->architecture && c.pkg->sha256 != best->pkg->sha256) {
      throw_bad_input(where, "package '" + request.name + "' " + best->pkg->version + " (" +
                                 best->pkg->architecture + ") differs between " + best->pkg->origin +
                                 " (SHA256 " + best->pkg->sha256 + ") and " + c.pkg->origin + " (SHA256 " +
                                 c.pkg->sha256 + ")");
    }
  }
  return *best->pkg;
}

} // namespace acikit::repo
