// Dependency closure, see resolver.hpp. Relations follow Debian Policy §7.1
// (syntax, versions), §7.2 (Depends, Pre-Depends, Recommends) and §7.5
// (Provides); architecture qualifiers follow dpkg's deparchsatisfied()
// (lib/dpkg/depcon.c): "pkg:any" is met only by a "Multi-Arch: allowed"
// package, "pkg:native" and "pkg:ARCH" (the target) by a native or "all" one.
#include "repo/resolver.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "debversion/version.hpp"
#include "repo/relation.hpp"
#include "util/error.hpp"

namespace acikit::repo {

namespace {

const std::string k_where = "resolve";

// One distinct file offered for a name: stanzas with the same version,
// architecture and SHA256 from several sources are merged.
struct Candidate {
  const Package* pkg;  // the stanza from the lowest source index
  debversion::Version version;
  std::vector<std::size_t> sources;
  const Package* differing;  // same version and architecture, other SHA256
  std::vector<Relation> provides;
};

std::string id_of(const Package& p)
{
  return p.name + " " + p.version;
}

std::string group_text(const Alternatives& group)
{
  std::string s;
  for (const auto& r : group) {
    if (!s.empty()) {
      s += " | ";
    }
    s += r.str();
  }
  return s;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep)
{
  std::string s;
  for (const auto& p : parts) {
    if (!s.empty()) {
      s += sep;
    }
    s += p;
  }
  return s;
}

debversion::Version parse_version(const std::string& text)
{
  auto v = debversion::Version::parse(text);
  if (!v) {
    // Not reachable: PackageIndex::add, Relation and Pin::parse validated it.
    throw_bad_input(k_where, "bad version '" + text + "': " + v.error());
  }
  return std::move(v).value();
}

// What an alternative led to in the choosing step.
struct Pick {
  const Candidate* candidate = nullptr;
  std::string detail;  // "virtual X provided by P"
};

class Resolver {
public:
  Resolver(const PackageIndex& index, const ResolveOptions& options) : m_index(index), m_options(options)
  {
    for (const auto& e : options.excludes) {
      m_excluded.insert(e);
    }
    for (const auto& pin : options.pins) {
      add_pin(pin, true);
    }
  }

  Resolution run(const std::vector<Request>& roots);

private:
  struct ParsedPin {
    Pin pin;
    std::optional<debversion::Version> version;
    bool from_user = true;
  };
  struct Chosen {
    const Candidate* candidate;
    std::vector<Reason> reasons;
  };

  void add_pin(const Pin& pin, bool from_user);
  const std::vector<Candidate>& candidates(const std::string& name);
  const std::vector<std::string>& provider_names(const std::string& name);
  bool arch_ok(const Candidate& c, const Relation& r) const;
  bool is_real(const Candidate& c, const Relation& r) const
  {
    return c.pkg->name == r.name && arch_ok(c, r) && r.version_matches(c.version);
  }
  bool provides(const Candidate& c, const Relation& r) const;
  bool pin_ok(const Candidate& c) const;
  std::string pins_text(const std::string& name) const;
  const Chosen* chosen(const std::string& name) const
  {
    auto it = m_chosen.find(name);
    return it == m_chosen.end() ? nullptr : &it->second;
  }

  void choose(const Candidate& c, Reason reason);
  void add_root(const Request& root);
  void satisfy(ReasonKind kind, const Package& by, const Alternatives& group);
  // A provider already in the closure meets r: records `reason` on it.
  bool met_by_chosen_provider(const Relation& r, Reason reason);
  // The providers of r.name (not yet chosen) that could satisfy r, best
  // candidate each, by provider name.
  std::vector<const Candidate*> providers_for(const Relation& r);
  const Candidate* pinned_one(const std::vector<const Candidate*>& providers) const;
  std::string ambiguous(const Relation& r, const std::string& needed_by,
                        const std::vector<const Candidate*>& providers) const;
  void process(const Package& p);

  const PackageIndex& m_index;
  const ResolveOptions& m_options;
  std::unordered_set<std::string> m_excluded;
  std::map<std::string, std::vector<ParsedPin>> m_pins;
  std::unordered_map<std::string, std::vector<Candidate>> m_candidates;
  bool m_providers_built = false;
  std::unordered_map<std::string, std::vector<std::string>> m_provider_names;
  std::unordered_map<std::string, Chosen> m_chosen;
  // Virtual name -> chosen packages providing it, in the order they were chosen.
  std::unordered_map<std::string, std::vector<std::string>> m_chosen_providers;
  std::deque<std::string> m_queue;
  std::vector<std::string> m_unsatisfiable;
  Resolution m_result;
};

void Resolver::add_pin(const Pin& pin, bool from_user)
{
  ParsedPin p{pin, std::nullopt, from_user};
  if (!pin.version.empty()) {
    p.version = parse_version(pin.version);
  }
  if (!pin.suite.empty() &&
      std::find(m_options.suites.begin(), m_options.suites.end(), pin.suite) == m_options.suites.end()) {
    throw_bad_input("pin '" + pin.str() + "'", "no source has suite " + pin.suite);
  }
  m_pins[pin.name].push_back(std::move(p));
}

const std::vector<Candidate>& Resolver::candidates(const std::string& name)
{
  auto it = m_candidates.find(name);
  if (it != m_candidates.end()) {
    return it->second;
  }
  struct Stanza {
    const Package* pkg;
    debversion::Version version;
  };
  std::vector<Stanza> stanzas;
  for (const Package* p : m_index.find(name)) {
    if (p->architecture == m_options.arch || p->architecture == "all") {
      stanzas.push_back({p, parse_version(p->version)});
    }
  }
  // Never by input order: version, then an architecture-specific stanza
  // before "all", then the exact text, SHA256 and source.
  std::sort(stanzas.begin(), stanzas.end(), [](const Stanza& a, const Stanza& b) {
    if (int c = debversion::compare(a.version, b.version); c != 0) {
      return c > 0;
    }
    const bool a_all = a.pkg->architecture == "all";
    const bool b_all = b.pkg->architecture == "all";
    if (a_all != b_all) {
      return b_all;
    }
    if (a.pkg->version != b.pkg->version) {
      return a.pkg->version < b.pkg->version;
    }
    if (a.pkg->architecture != b.pkg->architecture) {
      return a.pkg->architecture < b.pkg->architecture;
    }
    if (a.pkg->source_index != b.pkg->source_index) {
      return a.pkg->source_index < b.pkg->source_index;
    }
    if (a.pkg->sha256 != b.pkg->sha256) {
      return a.pkg->sha256 < b.pkg->sha256;
    }
    return a.pkg->origin < b.pkg->origin;
  });
  std::vector<Candidate> out;
  for (std::size_t i = 0; i < stanzas.size();) {
    std::size_t j = i;
    while (j < stanzas.size() && stanzas[j].pkg->version == stanzas[i].pkg->version &&
           stanzas[j].pkg->architecture == stanzas[i].pkg->architecture) {
      ++j;
    }
    // stanzas[i] has the lowest source index of the group.
    Candidate c{stanzas[i].pkg, stanzas[i].version, {}, nullptr, {}};
    for (std::size_t k = i; k < j; ++k) {
      if (stanzas[k].pkg->sha256 == c.pkg->sha256) {
        if (c.sources.empty() || c.sources.back() != stanzas[k].pkg->source_index) {
          c.sources.push_back(stanzas[k].pkg->source_index);
        }
      } else if (c.differing == nullptr) {
        c.differing = stanzas[k].pkg;
      }
    }
    auto prov = parse_provides(c.pkg->provides);
    if (!prov) {
      throw_bad_input(c.pkg->origin, "field 'Provides': " + prov.error());
    }
    c.provides = std::move(prov).value();
    out.push_back(std::move(c));
    i = j;
  }
  return m_candidates.emplace(name, std::move(out)).first->second;
}

const std::vector<std::string>& Resolver::provider_names(const std::string& name)
{
  if (!m_providers_built) {
    m_providers_built = true;
    for (const auto& p : m_index.packages()) {
      if (p.provides.empty() || (p.architecture != m_options.arch && p.architecture != "all")) {
        continue;
      }
      auto prov = parse_provides(p.provides);
      if (!prov) {
        throw_bad_input(p.origin, "field 'Provides': " + prov.error());
      }
      for (const auto& r : *prov) {
        m_provider_names[r.name].push_back(p.name);
      }
    }
    for (auto& [virt, names] : m_provider_names) {
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
    }
  }
  static const std::vector<std::string> none;
  auto it = m_provider_names.find(name);
  return it == m_provider_names.end() ? none : it->second;
}

bool Resolver::arch_ok(const Candidate& c, const Relation& r) const
{
  // Candidates are all native or "all" (which counts as native).
  const std::string& q = r.arch_qualifier;
  if (q.empty() || q == "native" || q == m_options.arch) {
    return true;
  }
  if (q == "any") {
    return c.pkg->multi_arch == "allowed";
  }
  return false;  // another architecture: not in a single-architecture closure
}

bool Resolver::provides(const Candidate& c, const Relation& r) const
{
  if (!arch_ok(c, r)) {
    return false;
  }
  for (const auto& p : c.provides) {
    if (p.name != r.name) {
      continue;
    }
    // Policy §7.5: an unversioned Provides never satisfies a versioned relation.
    if (r.op == VersionOp::none) {
      return true;
    }
    if (p.op == VersionOp::eq && r.version_matches(parse_version(p.version))) {
      return true;
    }
  }
  return false;
}

bool Resolver::pin_ok(const Candidate& c) const
{
  auto it = m_pins.find(c.pkg->name);
  if (it == m_pins.end()) {
    return true;
  }
  for (const auto& p : it->second) {
    if (p.version && debversion::compare(c.version, *p.version) != 0) {
      return false;
    }
    if (!p.pin.suite.empty()) {
      bool in_suite = false;
      for (auto s : c.sources) {
        in_suite = in_suite || (s < m_options.suites.size() && m_options.suites[s] == p.pin.suite);
      }
      if (!in_suite) {
        return false;
      }
    }
  }
  return true;
}

std::string Resolver::pins_text(const std::string& name) const
{
  std::vector<std::string> parts;
  auto it = m_pins.find(name);
  if (it != m_pins.end()) {
    for (const auto& p : it->second) {
      if (p.from_user) {
        parts.push_back(p.pin.str());
      }
    }
  }
  return join(parts, ", ");
}

void Resolver::choose(const Candidate& c, Reason reason)
{
  if (c.differing != nullptr) {
    const Package& a = *c.pkg;
    const Package& b = *c.differing;
    throw_bad_input(k_where, "package '" + a.name + "' " + a.version + " (" + a.architecture + ") differs between " +
                                 a.origin + " (SHA256 " + a.sha256 + ") and " + b.origin + " (SHA256 " + b.sha256 +
                                 ")");
  }
  m_chosen.emplace(c.pkg->name, Chosen{&c, {std::move(reason)}});
  for (const auto& p : c.provides) {
    auto& v = m_chosen_providers[p.name];
    if (std::find(v.begin(), v.end(), c.pkg->name) == v.end()) {
      v.push_back(c.pkg->name);
    }
  }
  m_queue.push_back(c.pkg->name);
}

std::vector<const Candidate*> Resolver::providers_for(const Relation& r)
{
  std::vector<const Candidate*> out;
  for (const auto& name : provider_names(r.name)) {
    if (name == r.name || m_excluded.count(name) != 0 || chosen(name) != nullptr) {
      continue;
    }
    for (const auto& c : candidates(name)) {
      if (provides(c, r) && pin_ok(c)) {
        out.push_back(&c);
        break;
      }
    }
  }
  return out;
}

std::string Resolver::ambiguous(const Relation& r, const std::string& needed_by,
                                const std::vector<const Candidate*>& providers) const
{
  std::vector<std::string> names;
  for (const auto* c : providers) {
    names.push_back(c->pkg->name);
  }
  return "virtual package '" + r.name + "' (" + (needed_by.empty() ? "requested" : "needed by " + needed_by) +
         ") is provided by " + join(names, ", ") + ": pin one with NAME=VERSION or add it to the package list";
}

// A pin on exactly one of several providers decides between them.
const Candidate* Resolver::pinned_one(const std::vector<const Candidate*>& providers) const
{
  const Candidate* found = nullptr;
  for (const auto* c : providers) {
    if (m_pins.count(c->pkg->name) != 0) {
      if (found != nullptr) {
        return nullptr;
      }
      found = c;
    }
  }
  return found;
}

void Resolver::add_root(const Request& root)
{
  const std::string where = root.version.empty() ? root.name : root.name + "=" + root.version;
  const std::string arch_text = " for architecture " + m_options.arch;
  Reason reason{ReasonKind::requested, "", where, ""};
  if (auto it = m_chosen.find(root.name); it != m_chosen.end()) {
    it->second.reasons.push_back(reason);
    return;
  }
  const auto& cands = candidates(root.name);
  if (!cands.empty()) {
    for (const auto& c : cands) {
      if (pin_ok(c)) {
        choose(c, reason);
        return;
      }
    }
    const std::string pins = pins_text(root.name);
    throw_bad_input(where, "no package '" + root.name + "'" + (root.version.empty() ? "" : " version " + root.version) +
                               arch_text + (pins.empty() ? "" : " (pinned " + pins + ")"));
  }
  // A virtual package asked for by name: a provider already in the closure
  // (say, another root) decides; else exactly one provider, or a pin.
  Relation r;
  r.name = root.name;
  if (!root.version.empty()) {
    r.op = VersionOp::eq;
    r.version = root.version;
  }
  if (met_by_chosen_provider(r, reason)) {
    return;
  }
  auto providers = providers_for(r);
  const Candidate* pick = providers.size() == 1 ? providers[0] : nullptr;
  if (providers.size() > 1) {
    pick = pinned_one(providers);
    if (pick == nullptr) {
      throw_bad_input(k_where, ambiguous(r, "", providers));
    }
  }
  if (pick == nullptr) {
    throw_bad_input(where, "no package '" + root.name + "'" + (root.version.empty() ? "" : " version " + root.version) +
                               arch_text);
  }
  reason.detail = "virtual " + r.name + " provided by " + pick->pkg->name;
  choose(*pick, reason);
}

bool Resolver::met_by_chosen_provider(const Relation& r, Reason reason)
{
  auto cp = m_chosen_providers.find(r.name);
  if (cp == m_chosen_providers.end()) {
    return false;
  }
  for (const auto& name : cp->second) {
    auto& ch = m_chosen.at(name);
    if (provides(*ch.candidate, r)) {
      reason.detail = "virtual " + r.name + " provided by " + name;
      ch.reasons.push_back(std::move(reason));
      return true;
    }
  }
  return false;
}

void Resolver::satisfy(ReasonKind kind, const Package& by, const Alternatives& group)
{
  const std::string needed_by = id_of(by);
  Reason reason{kind, needed_by, group_text(group), ""};

  // 1. Already met by the closure: by the package of the name, or by a chosen provider.
  for (const auto& r : group) {
    if (const Chosen* ch = chosen(r.name); ch != nullptr && is_real(*ch->candidate, r)) {
      m_chosen.at(r.name).reasons.push_back(reason);
      return;
    }
    if (met_by_chosen_provider(r, reason)) {
      return;
    }
  }

  // 2. The first alternative that can be met: the package of the name
  // (highest version meeting the relation and the pins), else its providers.
  // An excluded package counts as present where it would have been chosen
  // (the user provides it), so an exclusion never swaps in another
  // alternative or provider.
  const auto left_to_excluded = [&](std::vector<std::string> names) {
    std::sort(names.begin(), names.end());
    m_result.excluded.push_back({kind, needed_by, reason.relation, std::move(names)});
  };
  std::vector<std::string> notes;   // why earlier alternatives were passed over
  std::vector<std::string> blocks;  // for the error: chosen versions and pins in the way
  for (std::size_t i = 0; i < group.size(); ++i) {
    const Relation& r = group[i];
    std::string note;
    Pick pick;
    if (m_excluded.count(r.name) != 0) {
      left_to_excluded({r.name});
      return;
    }
    if (const Chosen* ch = chosen(r.name); ch != nullptr) {
      note = r.name + " " + ch->candidate->pkg->version + " already chosen";
      blocks.push_back(r.name + " " + ch->candidate->pkg->version + " already chosen: " + ch->reasons[0].str());
    } else {
      const auto& cands = candidates(r.name);
      bool pinned_out = false;
      for (const auto& c : cands) {
        if (is_real(c, r)) {
          if (pin_ok(c)) {
            pick.candidate = &c;
            break;
          }
          pinned_out = true;
        }
      }
      if (pick.candidate == nullptr) {
        if (pinned_out) {
          note = "pinned " + pins_text(r.name);
          blocks.push_back(note);
        } else {
          note = cands.empty() ? "not available" : "no matching version";
        }
      }
    }
    if (pick.candidate == nullptr) {
      std::vector<std::string> excluded;
      for (const auto& name : provider_names(r.name)) {
        if (m_excluded.count(name) != 0) {
          excluded.push_back(name);
        }
      }
      if (!excluded.empty()) {
        left_to_excluded(excluded);
        return;
      }
      auto providers = providers_for(r);
      if (providers.size() > 1) {
        const Candidate* one = pinned_one(providers);
        if (one == nullptr) {
          const std::string message = ambiguous(r, needed_by, providers);
          if (kind == ReasonKind::recommends) {
            m_result.skipped_recommends.push_back({needed_by, reason.relation, message});
            return;
          }
          throw_bad_input(k_where, message);
        }
        providers = {one};
      }
      if (providers.size() == 1) {
        pick.candidate = providers[0];
        pick.detail = "virtual " + r.name + " provided by " + providers[0]->pkg->name;
      }
    }
    if (pick.candidate != nullptr) {
      std::string detail = pick.detail;
      if (i > 0) {
        std::string alt = "alternative chosen: " + r.str() + " (" + join(notes, "; ") + ")";
        detail = detail.empty() ? alt : alt + "; " + detail;
      }
      reason.detail = detail;
      choose(*pick.candidate, reason);
      return;
    }
    notes.push_back(r.str() + ": " + note);
  }

  std::string text = reason.relation + " needed by " + needed_by;
  if (!blocks.empty()) {
    text += " (" + join(blocks, "; ") + ")";
  }
  if (kind == ReasonKind::recommends) {
    m_result.skipped_recommends.push_back({needed_by, reason.relation, join(notes, "; ")});
    return;
  }
  m_unsatisfiable.push_back(text);
}

void Resolver::process(const Package& p)
{
  struct Field {
    const char* name;
    const std::string* value;
    ReasonKind kind;
  };
  std::vector<Field> fields = {{"Pre-Depends", &p.pre_depends, ReasonKind::pre_depends},
                               {"Depends", &p.depends, ReasonKind::depends}};
  if (m_options.with_recommends) {
    fields.push_back({"Recommends", &p.recommends, ReasonKind::recommends});
  }
  for (const auto& f : fields) {
    auto groups = parse_relations(*f.value);
    if (!groups) {
      throw_bad_input(p.origin, std::string("field '") + f.name + "': " + groups.error());
    }
    for (const auto& g : *groups) {
      satisfy(f.kind, p, g);
    }
  }
}

Resolution Resolver::run(const std::vector<Request>& roots)
{
  std::vector<Request> sorted = roots;
  for (const auto& r : sorted) {
    const std::string where = r.version.empty() ? r.name : r.name + "=" + r.version;
    if (m_excluded.count(r.name) != 0) {
      throw_bad_input(where, "package '" + r.name + "' is both requested and excluded");
    }
  }
  // Real packages first so that a root can decide a virtual root; each in name order.
  std::sort(sorted.begin(), sorted.end(), [&](const Request& a, const Request& b) {
    const bool a_virtual = candidates(a.name).empty();
    const bool b_virtual = candidates(b.name).empty();
    if (a_virtual != b_virtual) {
      return b_virtual;
    }
    return a.name != b.name ? a.name < b.name : a.version < b.version;
  });
  for (const auto& r : sorted) {
    if (!r.version.empty()) {
      add_pin(Pin{r.name, r.version, ""}, false);
    }
  }
  for (const auto& r : sorted) {
    add_root(r);
  }
  while (!m_queue.empty()) {
    const std::string name = m_queue.front();
    m_queue.pop_front();
    process(*m_chosen.at(name).candidate->pkg);
  }
  if (!m_unsatisfiable.empty()) {
    throw_bad_input(k_where, "unsatisfiable dependencies: " + join(m_unsatisfiable, "; "));
  }
  for (auto& [name, ch] : m_chosen) {
    m_result.packages.push_back({ch.candidate->pkg, ch.candidate->sources, std::move(ch.reasons)});
  }
  std::sort(m_result.packages.begin(), m_result.packages.end(),
            [](const ResolvedPackage& a, const ResolvedPackage& b) { return a.package->name < b.package->name; });
  for (const auto& p : m_options.pins) {
    if (m_chosen.count(p.name) == 0) {
      m_result.unused_pins.push_back(p.str());
    }
  }
  return std::move(m_result);
}

} // namespace

Pin Pin::parse(const std::string& arg)
{
  const auto bad = [&] { throw_usage("pin '" + arg + "': expected NAME=VERSION or NAME/SUITE"); };
  // Name and version rules are those of a package request; say "pin" in the message.
  const auto check = [&](const std::string& request) {
    try {
      return Request::parse(request);
    } catch (const Error& e) {
      const auto at = e.message().find("': ");
      throw_usage("pin '" + arg + "': " + (at == std::string::npos ? e.message() : e.message().substr(at + 3)));
    }
  };
  Pin p;
  const auto eq = arg.find('=');
  const auto slash = arg.find('/');
  if (eq != std::string::npos && (slash == std::string::npos || eq < slash)) {
    if (eq + 1 == arg.size()) {
      bad();
    }
    const Request r = check(arg);
    p.name = r.name;
    p.version = r.version;
    return p;
  }
  if (slash == std::string::npos || slash + 1 == arg.size()) {
    bad();
  }
  p.name = check(arg.substr(0, slash)).name;
  p.suite = arg.substr(slash + 1);
  if (p.suite.find_first_of(" \t/=") != std::string::npos) {
    bad();
  }
  return p;
}

std::string Pin::str() const
{
  return version.empty() ? name + "/" + suite : name + "=" + version;
}

const char* to_string(ReasonKind kind)
{
  switch (kind) {
  case ReasonKind::requested: return "requested";
  case ReasonKind::depends: return "Depends";
  case ReasonKind::pre_depends: return "Pre-Depends";
  case ReasonKind::recommends: return "Recommends";
  }
  return "";
}

std::string Reason::str() const
{
  std::string s = kind == ReasonKind::requested ? std::string("requested")
                                                : needed_by + " " + to_string(kind) + ": " + relation;
  if (!detail.empty()) {
    s += " (" + detail + ")";
  }
  return s;
}

std::string ExcludedDependency::str() const
{
  return needed_by + " " + to_string(kind) + ": " + relation + ": left to excluded " + join(excluded, ", ");
}

std::string SkippedRecommends::str() const
{
  return needed_by + " Recommends: " + relation + ": " + why;
}

std::string Resolution::explain() const
{
  std::string s;
  for (const auto& p : packages) {
    s += p.package->name + " " + p.package->version + " " + p.package->architecture + ":";
    for (std::size_t i = 0; i < p.reasons.size(); ++i) {
      s += (i == 0 ? " " : "\n  also: ") + p.reasons[i].str();
    }
    s += "\n";
  }
  for (const auto& e : excluded) {
    s += "excluded: " + e.str() + "\n";
  }
  for (const auto& r : skipped_recommends) {
    s += "skipped: " + r.str() + "\n";
  }
  for (const auto& u : unused_pins) {
    s += "unused pin: " + u + "\n";
  }
  return s;
}

Resolution resolve(const PackageIndex& index, const ResolveOptions& options, const std::vector<Request>& roots)
{
  return Resolver(index, options).run(roots);
}

} // namespace acikit::repo
