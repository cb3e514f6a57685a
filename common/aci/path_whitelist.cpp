#include "aci/path_whitelist.hpp"

#include <set>

namespace acikit::aci {

Result<PathWhitelist> PathWhitelist::parse(std::vector<std::string> paths)
{
  std::set<std::string> seen;
  for (const auto& p : paths) {
    if (p.empty() || p[0] != '/') {
      return fail("pathWhitelist entry '" + p + "' must be an absolute path");
    }
    if (!seen.insert(p).second) {
      return fail("duplicate pathWhitelist entry '" + p + "'");
    }
  }
  PathWhitelist w;
  w.m_items = std::move(paths);
  return w;
}

} // namespace acikit::aci
