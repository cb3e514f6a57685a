#pragma once
// Relationship fields of binary packages, Debian Policy §7.1: Depends,
// Pre-Depends, Recommends, Suggests, ... ("a (>= 1) | b, c:any") and Provides
// (§7.5: "a (= 1), b"). Groundwork for the dependency resolver.
#include <string>
#include <string_view>
#include <vector>

#include "debversion/version.hpp"
#include "util/result.hpp"

namespace acikit::repo {

enum class VersionOp { none, lt, le, eq, ge, gt };  // none, <<, <=, =, >=, >>

// "<<", "<=", "=", ">=", ">>"; "" for none.
const char* to_string(VersionOp op);

struct Relation {
  std::string name;
  // After ':' (Policy §7.1, multiarch): "any", "native", or an architecture
  // name; "" when absent.
  std::string arch_qualifier;
  VersionOp op = VersionOp::none;
  std::string version;  // "" when op is none; valid for debversion::Version::parse

  // True when a package of version `candidate` meets the version constraint
  // (always when op is none).
  bool version_matches(const debversion::Version& candidate) const;
  // Canonical text: "name:qual (op version)".
  std::string str() const;
};

// One comma-separated part: alternatives joined by '|'; any one satisfies it.
using Alternatives = std::vector<Relation>;

// Depends/Pre-Depends/Recommends/Suggests/Breaks/Conflicts... of a binary
// package. An empty or blank field gives no groups. Architecture restrictions
// "[amd64]" and build profiles "<!nocheck>" belong to source packages only
// (Policy §7.1, §7.7) and are refused. The obsolete "<" and ">" mean "<=" and
// ">=" (Policy §7.1), as dpkg still reads them. Failure messages name the
// offending part; the caller adds FILE:LINE and the field.
Result<std::vector<Alternatives>> parse_relations(std::string_view field);

// Provides (Policy §7.5): no alternatives, only "=" versions.
Result<std::vector<Relation>> parse_provides(std::string_view field);

} // namespace acikit::repo
