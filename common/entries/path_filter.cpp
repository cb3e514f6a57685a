#include "entries/path_filter.hpp"

#include <algorithm>
#include <fnmatch.h>

namespace acikit::entries {

bool path_excluded(const std::vector<PathFilterRule>& rules, const std::string& path, bool directory)
{
  std::string p = "/" + path;
  bool skip = false;
  for (const auto& r : rules) {
    if (::fnmatch(r.pattern.c_str(), p.c_str(), 0) == 0) {
      skip = !r.include;
    }
  }
  if (skip && directory) {
    for (const auto& r : rules) {
      if (!r.include) {
        continue;
      }
      std::size_t wildcard = r.pattern.find_first_of("*?[\\");
      if (wildcard == std::string::npos) {
        wildcard = r.pattern.size();
      }
      std::size_t n = std::min(p.size(), wildcard);
      if (p.compare(0, n, r.pattern, 0, n) == 0) {
        return false;
      }
    }
  }
  return skip;
}

bool PathFilter::next(Entry& entry)
{
  while (m_inner.next(entry)) {
    if (!path_excluded(m_rules, entry.path, entry.type == Type::directory)) {
      return true;
    }
    ++m_excluded;
  }
  return false;
}

} // namespace acikit::entries
