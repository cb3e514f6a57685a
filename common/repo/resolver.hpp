#pragma once
// Dependency closure of binary packages (issue 3, "Dependency resolution"):
// Depends and Pre-Depends (Policy §7.2), optionally Recommends, over a merged
// PackageIndex for one target architecture, with alternatives, versioned
// relations, virtual packages (Policy §7.5), Multi-Arch qualifiers
// (wiki.debian.org/Multiarch/Implementation) and pins.
//
// Greedy and deterministic, no backtracking: roots are taken in name order,
// their dependencies breadth first in field order; for every group the first
// alternative already satisfied by the closure wins, else the first
// alternative that can be satisfied, with the highest version that meets the
// relation and the pins. A later relation that the chosen version does not
// meet is an error, never a silent downgrade. Candidates are ordered by
// version, then an architecture-specific stanza before "all", then SHA256,
// never by the order of the sources, so permuting roots or sources gives the
// same closure.
#include <cstddef>
#include <string>
#include <vector>

#include "repo/packages.hpp"

namespace acikit::repo {

// "NAME=VERSION" (exactly that version) or "NAME/SUITE" (only packages from
// sources of that suite, highest version there). Usage error (exit 2)
// otherwise: "pin 'ARG': expected NAME=VERSION or NAME/SUITE".
struct Pin {
  std::string name;
  std::string version;  // set for NAME=VERSION
  std::string suite;    // set for NAME/SUITE
  static Pin parse(const std::string& arg);
  std::string str() const;  // as given
};

struct ResolveOptions {
  std::string arch = "amd64";  // the one target (native) architecture
  bool with_recommends = false;
  std::vector<std::string> excludes;  // package names never added
  std::vector<Pin> pins;
  // Suite of each source: suites[source_index]; needed for NAME/SUITE pins.
  std::vector<std::string> suites;
};

enum class ReasonKind { requested, depends, pre_depends, recommends };
const char* to_string(ReasonKind kind);  // "requested", "Depends", "Pre-Depends", "Recommends"

// Why a package is in the closure, or one more dependency it satisfies.
struct Reason {
  ReasonKind kind = ReasonKind::requested;
  std::string needed_by;  // "NAME VERSION"; "" for requested
  std::string relation;   // the whole group, canonical: "a (>= 1) | b"; for requested the request
  // How the group led to this package: "" when it names it directly, else
  // "virtual X provided by NAME" and/or "alternative chosen: B (A: not available)".
  std::string detail;
  // "requested", "P 1.0 Depends: a (>= 1) | b (alternative chosen: b (a: not available))"
  std::string str() const;
};

struct ResolvedPackage {
  const Package* package = nullptr;  // points into the PackageIndex given to resolve()
  // Every source offering this very file (same name, version, architecture and
  // SHA256), ascending; package->source_index is the first.
  std::vector<std::size_t> sources;
  std::vector<Reason> reasons;  // reasons[0] added it; the rest are later dependents
};

// A dependency group that only excluded packages could satisfy: treated as
// satisfied, and reported.
struct ExcludedDependency {
  ReasonKind kind = ReasonKind::depends;
  std::string needed_by;            // "NAME VERSION"
  std::string relation;             // the group
  std::vector<std::string> excluded;  // the excluded names that would have satisfied it
  std::string str() const;  // "P 1.0 Depends: x | y: left to excluded x"
};

// A Recommends group that could not be satisfied (or named an ambiguous
// virtual package): Recommends are optional, so it is skipped and reported.
struct SkippedRecommends {
  std::string needed_by;
  std::string relation;
  std::string why;
  std::string str() const;  // "P 1.0 Recommends: x: WHY"
};

struct Resolution {
  std::vector<ResolvedPackage> packages;  // sorted by name
  std::vector<ExcludedDependency> excluded;
  std::vector<SkippedRecommends> skipped_recommends;
  std::vector<std::string> unused_pins;  // pins on names the closure never needed
  // One line per package, "NAME VERSION ARCH: REASON", further reasons
  // indented ("  also: REASON"), then "excluded: ...", "skipped: ..." and
  // "unused pin: ..." lines.
  std::string explain() const;
};

// The closure of `roots`. Errors (bad_input):
//  - where = the request ("name" or "name=version"), for a root:
//      "no package 'NAME' for architecture ARCH" (also "version V", or a
//        closing " (pinned NAME=V)" when pins ruled every candidate out),
//      "package 'NAME' is both requested and excluded"
//  - where = "resolve":
//      "unsatisfiable dependencies: libfoo (>= 2) needed by bar 1.0-1; ..." listing
//        every group that could not be met in closure order; a group whose
//        package is already chosen in a version that does not meet it says so:
//        "libfoo (>= 2) needed by bar 1.0-1 (libfoo 1.0 already chosen: requested)";
//        a pin that ruled candidates out is named: "... (pinned libfoo=1.0)"
//      "virtual package 'X' (needed by P 1.0) is provided by A, B: pin one with
//        NAME=VERSION or add it to the package list"
//      "package 'NAME' V (ARCH) differs between ORIGIN (SHA256 X) and ORIGIN (SHA256 Y)"
//  - where = ORIGIN of a stanza: "field 'Depends': ..." for a field that does not parse
//  - where = "pin 'ARG'": "no source has suite SUITE"
Resolution resolve(const PackageIndex& index, const ResolveOptions& options, const std::vector<Request>& roots);

} // namespace acikit::repo
