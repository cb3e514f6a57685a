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

bool iequals(std::string_view a, std::string_view b)
{
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') {
      x = static_cast<char>(x - 'A' + 'a');
    }
    if (y >= 'A' && y <= 'Z') {
      y = static_cast<char>(y - 'A' + 'a');
    }
    if (x != y) {
      return false;
    }
  }
  return true;
}

bool one_word(std::string_view s)
{
  return !s.empty() && s.find_first_of(" \t\n") == std::string_view::npos;
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
  // Reserve by the typical stanza size (bookworm amd64: 50 MB, 63 440 stanzas)
  // so that neither the vector nor the hash table grows step by step.
  const std::size_t expected = text.size() / 700 + 16;
  m_packages.reserve(m_packages.size() + expected);
  m_by_name.reserve(m_by_name.size() + expected);
  deb822::for_each_paragraph(text, file, deb822::Comments::no, [&](const deb822::Paragraph& p) {
    // One pass over the fields (Packages has 63 440 stanzas of ~17 fields).
    enum Slot { k_package, k_version, k_architecture, k_filename, k_size, k_sha256, k_multi_arch,
                k_depends, k_pre_depends, k_recommends, k_provides, k_slots };
    static constexpr std::string_view names[k_slots] = {"Package", "Version", "Architecture", "Filename",
                                               "Size", "SHA256", "Multi-Arch", "Depends",
                                               "Pre-Depends", "Recommends", "Provides"};
    const deb822::Field* slot[k_slots] = {};
    for (const auto& f : p.fields) {
      for (int i = 0; i < k_slots; ++i) {
        if (iequals(f.name, names[i])) {
          slot[i] = &f;
          break;
        }
      }
    }
    auto require = [&](int i) -> const deb822::Field& {
      if (slot[i] == nullptr) {
        throw_bad_input(at_line(file, p.line), "field '" + std::string(names[i]) + "': missing");
      }
      return *slot[i];
    };
    auto bad = [&](const deb822::Field& f, const std::string& what) {
      throw_bad_input(at_line(file, f.line), "field '" + f.name + "': " + what);
    };
    Package pkg;
    const auto& name = require(k_package);
    const auto& version = require(k_version);
    const auto& arch = require(k_architecture);
    const auto& filename = require(k_filename);
    const auto& size = require(k_size);
    const auto& sha256 = require(k_sha256);
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
    if (!one_word(filename.value) || !util::is_safe_relative_path(filename.value)) {
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
    auto optional = [&](int i, std::string& out) {
      if (slot[i] != nullptr) {
        out = slot[i]->value;
      }
    };
    optional(k_multi_arch, pkg.multi_arch);
    optional(k_depends, pkg.depends);
    optional(k_pre_depends, pkg.pre_depends);
    optional(k_recommends, pkg.recommends);
    optional(k_provides, pkg.provides);
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
