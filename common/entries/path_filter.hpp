#pragma once
// dpkg-style path filters (dpkg(1) --path-exclude / --path-include): glob patterns
// matched with fnmatch(3) (no flags: '*' also matches '/') against the package path
// with a leading '/'. Filters apply in order and the last match decides. An excluded
// directory is kept when it is a leading part of an include pattern's literal prefix,
// so that included files keep their parents (dpkg's filters.c does the same).
#include "entries/entry.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace acikit::entries {

struct PathFilterRule {
  bool include;         // path-include when true, path-exclude otherwise
  std::string pattern;  // e.g. "/usr/share/doc/*"
};

// True when the entry at path (Entry::path form) is dropped by the rules.
bool path_excluded(const std::vector<PathFilterRule>& rules, const std::string& path, bool directory);

class PathFilter : public EntrySource {
public:
  PathFilter(EntrySource& inner, const std::vector<PathFilterRule>& rules) : m_inner(inner), m_rules(rules) {}
  bool next(Entry& entry) override;
  Content& content() override { return m_inner.content(); }
  std::uint64_t excluded() const { return m_excluded; }

private:
  EntrySource& m_inner;
  const std::vector<PathFilterRule>& m_rules;
  std::uint64_t m_excluded = 0;
};

} // namespace acikit::entries
